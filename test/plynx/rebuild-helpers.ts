// What the rebuild tests of the generated TypeScript need: exposed parameters, bash operations with list
// inputs, the comparison of two graphs regardless of node ids, and running a program with tsx.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { bashOperationDoc, type OperationSpec } from './inprocess-helpers.ts';
import type { Graph, Node, PlynxFixture } from './plynx-fixture.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Parameter = NonNullable<Node['parameters']>[number];

/** A parameter shown on the node (it has a widget), so generated code passes its value. */
export const exposed = (name: string, parameter_type: Parameter['parameter_type'], value: unknown): Parameter =>
  ({ name, parameter_type, value, mutable_type: true, removable: true, publicable: true, widget: { alias: name } } as Parameter);

/** Sets parameter values on a node placed in a graph. */
export const withValues = (node: Node, values: Record<string, unknown>): Node =>
  ({ ...node, parameters: (node.parameters ?? []).map((q) => (q.name! in values ? { ...q, value: values[q.name!] } : q)) as Node['parameters'] });

/** An approved bash_jinja2 operation whose inputs named in `lists` take any number of files. */
export async function bashListOperation(p: PlynxFixture, spec: OperationSpec & { lists?: string[] }): Promise<Node> {
  const template = (await unwrap(p.alice.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: 'bash_jinja2' } } }))).data;
  const doc = bashOperationDoc(template, spec);
  const node = { ...doc, inputs: doc.inputs!.map((i) => (spec.lists?.includes(i.name!) ? { ...i, max_count: -1 } : i)) };
  const saved = await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
  expect(saved.data, JSON.stringify(saved.error)).toMatchObject({ status: 'SUCCESS' });
  return node;
}

/**
 * What makes two graphs equivalent: title, description, and every node as its library node, its exposed
 * parameter values and, per input, what feeds it (recursively, so node ids do not matter).
 */
export function canonical(g: Graph): unknown {
  const byId = new Map((g.nodes ?? []).map((n) => [n._id, n]));
  const value = (p: Parameter): unknown => {
    const v = p.value as { index?: unknown; value?: unknown } | null;
    if (p.parameter_type === 'enum') return String(v?.index);
    if (p.parameter_type === 'code') return v?.value;
    if (p.parameter_type === 'int') return Number(p.value);
    if (p.parameter_type === 'list_int') return (p.value as unknown[]).map(Number);
    return p.value;
  };
  const label = (n: Node | undefined): string => JSON.stringify(n === undefined ? null : {
    library: n.parent_node,
    params: (n.parameters ?? []).filter((p) => p.widget != null).map((p) => [p.name, value(p)]),
    inputs: (n.inputs ?? []).map((i) => [i.name, (i.values ?? []).map((v) => `${label(byId.get(v.node_id))}.${v.output_id}`).sort()]),
  });
  return { title: g.title, description: g.description, nodes: (g.nodes ?? []).map(label).sort() };
}

/**
 * Runs a generated program with tsx (inside the repository, so `@pipeloom/sdk/plynx` resolves through
 * node_modules to its sources) and resolves with its exit code and output; kills it after `ms`.
 */
export async function runProgram(code: string, env: Record<string, string>, ms = 45_000): Promise<{ exitCode: number | null; output: string }> {
  const dir = mkdtempSync(join(root, 'test/plynx/.generated-'));
  writeFileSync(join(dir, 'rebuild.mts'), code);
  const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', join(dir, 'rebuild.mts')], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += String(d); });
  child.stderr.on('data', (d: Buffer) => { output += String(d); });
  const timer = setTimeout(() => {
    output += `\n(killed after ${ms} ms)`;
    child.kill();
  }, ms);
  try {
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    return { exitCode, output };
  } finally {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

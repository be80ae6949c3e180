// python scripts: dicts `input`, `output`, `param`, `log` (and the cloud ones when present) written as
// Python assignments, then the user's code unchanged.
import { pyRepr } from '../plynx-graph/py-repr.js';
import type { PyValue } from './node-shape.js';
import type { ScriptResources } from './workspace.js';

function assignments(variable: string, values: Iterable<[string, PyValue]>): string {
  const lines = [`${variable} = {}`];
  for (const [name, value] of values) lines.push(`${variable}["${name}"] = ${pyRepr(value)}`);
  return lines.join('\n');
}

/** The Python script of a python node with the given paths. Only resource kinds the node has appear. */
export function pythonScript(cmd: string, resources: ScriptResources, parameters: Map<string, PyValue>): string {
  return [
    ...[...resources.inputs].map(([kind, byName]) => assignments(kind, byName)),
    ...[...resources.outputs].map(([kind, byName]) => assignments(kind, byName)),
    assignments('param', parameters),
    assignments('log', resources.logs),
    '\n',
    '# User code starts there:',
    cmd,
  ].join('\n');
}

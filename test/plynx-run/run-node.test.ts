// runPlynxNode runs real bash_jinja2 and python operations against an in-memory resource store.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlynxNode } from '../../packages/sdk/src/plynx-run/index.ts';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { isAlive, liveGroupMembers, MemoryStore, operation, tempDir } from './helpers.ts';

const roots: string[] = [];
function workRoot(): string {
  const root = tempDir();
  roots.push(root);
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

const GREP = "cat {{ input['input'] | join(' ') }} | grep \"{{ param['template'] }}\" > {{ output['output'] }}";
const SUM = 's = 0\nfor filename in input["input"]:\n    with open(filename) as fi:\n        s += sum([int(line) for line in fi])\nwith open(output["output"], "w") as fo:\n    fo.write("{}\\n".format(s))\n';

function grep(store: MemoryStore, fileId: string, template: string) {
  return operation({
    cmd: GREP,
    inputs: [{ name: 'input', fileTypes: ['csv'], resourceIds: [fileId] }],
    outputs: [{ name: 'output', fileType: 'csv' }],
    parameters: [{ name: 'template', parameter_type: 'str', value: template }],
  });
}

/** Resolves once the run has started its script; the script's process group id is the pid. */
function started(): { onStart: (pid: number) => void; pid: Promise<number> } {
  let resolve!: (pid: number) => void;
  const pid = new Promise<number>((r) => (resolve = r));
  return { onStart: resolve, pid };
}

/** The kill reached every process of the group; reaping the killed ones may take a moment. */
async function expectGroupGone(pgid: number, pids: number[] = []): Promise<void> {
  await expect.poll(() => [...liveGroupMembers(pgid), ...pids.filter(isAlive)], { timeout: 5_000, interval: 20 }).toEqual([]);
}

describe('runPlynxNode', () => {
  it('runs File → 2 × bash_jinja2 grep → python sum and stores the right output bytes', async () => {
    const store = new MemoryStore();
    const file = store.put(`${Array.from({ length: 20 }, (_, i) => i + 1).join('\n')}\n`);
    const ones = await runPlynxNode(grep(store, file, '^1'), store.io, { workRoot: workRoot() });
    const twos = await runPlynxNode(grep(store, file, '^2'), store.io, { workRoot: workRoot() });
    expect(ones).toMatchObject({ status: 'SUCCESS' });
    expect(store.text(ones.outputs.output)).toBe('1\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n');
    expect(store.text(twos.outputs.output)).toBe('2\n20\n');

    const sum = operation({
      kind: 'python',
      cmd: SUM,
      inputs: [{ name: 'input', resourceIds: [ones.outputs.output!, twos.outputs.output!] }],
      outputs: [{ name: 'output' }],
    });
    const total = await runPlynxNode(sum, store.io, { workRoot: workRoot() });
    expect(total.status).toBe('SUCCESS');
    expect(store.text(total.outputs.output)).toBe('168\n');
    // Empty logs are not stored; the worker log always tells what happened.
    expect(Object.keys(total.logs)).toEqual(['worker']);
    expect(store.text(total.logs.worker)).toMatch(/ended with return code 0[\s\S]*stored output `output`/);
  });

  it('answers FAILED with the stderr log stored when the command fails, and stores no outputs', async () => {
    const store = new MemoryStore();
    const node = operation({ cmd: "echo partial > {{ output['out'] }}\necho 'no such thing' >&2\nexit 3\n", outputs: [{ name: 'out' }] });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot() });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'exit-code', outputs: {} });
    expect(result.reason).toContain('return code 3');
    expect(store.text(result.logs.stderr)).toBe('no such thing\n');
    expect(store.text(result.logs.worker)).toContain('FAILED');
    expect(store.uploadCalls).toBe(0);
  });

  it('answers FAILED when the script ends well without writing an output', async () => {
    const store = new MemoryStore();
    const result = await runPlynxNode(operation({ cmd: 'true', outputs: [{ name: 'out' }] }), store.io, { workRoot: workRoot() });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'output', outputs: {} });
    expect(result.reason).toContain('`out` was not written');
  });

  it('answers FAILED with the engine message when the template cannot be rendered', async () => {
    const store = new MemoryStore();
    const result = await runPlynxNode(operation({ cmd: 'echo {{ x( }}' }), store.io, { workRoot: workRoot() });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'script' });
    expect(result.reason).toMatch(/^The `cmd` template cannot be rendered: /);
  });

  it('answers FAILED when an input has no resource or cannot be downloaded', async () => {
    const store = new MemoryStore();
    const missing = await runPlynxNode(operation({ cmd: 'true', inputs: [{ name: 'in', resourceIds: [''] }] }), store.io, { workRoot: workRoot() });
    expect(missing).toMatchObject({ status: 'FAILED', failure: 'input', reason: 'input `in` has no resource for its link 0' });
    const unknown = await runPlynxNode(operation({ cmd: 'true', inputs: [{ name: 'in', resourceIds: ['nope'] }] }), store.io, { workRoot: workRoot() });
    expect(unknown).toMatchObject({ status: 'FAILED', failure: 'input' });
    expect(unknown.reason).toContain('resource nope not found');
  });

  it('refuses resource names that would leave the work directory', async () => {
    const store = new MemoryStore();
    const node = operation({ cmd: 'true', outputs: [{ name: '../../escape' }] });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot() });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'input' });
    expect(result.reason).toContain('cannot be a file name');
  });

  it('makes executable inputs executable', async () => {
    const store = new MemoryStore();
    const tool = store.put('#!/bin/sh\necho "hello from the tool"\n');
    const node = operation({
      cmd: "test -x {{ input['tool'] }}\n{{ input['tool'] }} > {{ output['out'] }}\n",
      inputs: [{ name: 'tool', fileTypes: ['executable'], resourceIds: [tool], minCount: 1, maxCount: 1 }],
      outputs: [{ name: 'out' }],
    });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot() });
    expect(result.status).toBe('SUCCESS');
    expect(store.text(result.outputs.out)).toBe('hello from the tool\n');
  });

  it('kills the whole process group once `_timeout` minutes have passed on its clock', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const pidFile = `${workRoot()}/sleep.pid`;
    const node = operation({ cmd: `sleep 600 &\necho $! > ${pidFile}\nwait\n`, timeoutMinutes: 1 });
    const { onStart, pid } = started();
    const run = runPlynxNode(node, store.io, { workRoot: workRoot(), clock, onStart });
    const pgid = await pid;
    await expect.poll(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'), { timeout: 5_000, interval: 10 }).toBe(true);
    const sleeper = Number(fs.readFileSync(pidFile, 'utf8'));
    await clock.advance(59_999);
    expect(isAlive(sleeper)).toBe(true);
    await clock.advance(1);
    const result = await run;
    expect(result).toMatchObject({ status: 'FAILED', failure: 'timeout', outputs: {} });
    expect(result.reason).toMatch(/^timeout: /);
    await expectGroupGone(pgid, [sleeper]);
  });

  it('kills `sleep 600` after timeoutMs and leaves no process behind', async () => {
    const store = new MemoryStore();
    const { onStart, pid } = started();
    const result = await runPlynxNode(operation({ cmd: 'sleep 600' }), store.io, { workRoot: workRoot(), timeoutMs: 300, onStart });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'timeout' });
    expect(store.text(result.logs.worker)).toContain('timeout');
    await expectGroupGone(await pid);
  });

  it('answers CANCELED and kills the process group when the signal aborts', async () => {
    const store = new MemoryStore();
    const controller = new AbortController();
    const { onStart, pid } = started();
    const run = runPlynxNode(operation({ cmd: 'sleep 600 & sleep 600 & wait', outputs: [{ name: 'out' }] }), store.io, {
      workRoot: workRoot(),
      signal: controller.signal,
      onStart,
    });
    const pgid = await pid;
    await expect.poll(() => liveGroupMembers(pgid).length, { timeout: 5_000, interval: 10 }).toBe(3);
    controller.abort();
    const result = await run;
    expect(result).toMatchObject({ status: 'CANCELED', outputs: {} });
    await expectGroupGone(pgid);
  });

  it('answers CANCELED without running anything when aborted before it starts', async () => {
    const store = new MemoryStore();
    const result = await runPlynxNode(operation({ cmd: 'exit 1' }), store.io, { workRoot: workRoot(), signal: AbortSignal.abort() });
    expect(result).toMatchObject({ status: 'CANCELED', outputs: {} });
    expect(store.text(result.logs.worker)).not.toContain('started');
  });

  it('retries a failed upload with backoff and succeeds', async () => {
    const store = new MemoryStore();
    store.failUploads = 2;
    const waits: number[] = [];
    const node = operation({ cmd: "echo ok > {{ output['out'] }}", outputs: [{ name: 'out' }] });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot(), sleep: async (ms) => void waits.push(ms) });
    expect(result.status).toBe('SUCCESS');
    expect(store.text(result.outputs.out)).toBe('ok\n');
    expect(waits).toEqual([250, 500]);
    expect(store.text(result.logs.worker)).toContain('upload of output `out` failed (attempt 2 of 4)');
  });

  it('answers FAILED, never SUCCESS without outputs, when an upload keeps failing', async () => {
    const store = new MemoryStore();
    store.failUploads = 100;
    const node = operation({ cmd: "echo ok > {{ output['out'] }}", outputs: [{ name: 'out' }] });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot(), uploadAttempts: 3, sleep: async () => {} });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'upload', outputs: {} });
    expect(result.reason).toContain('after 3 attempts: store unavailable');
    expect(store.uploadCalls).toBe(3);
    expect(store.logNames).toContain('worker');
  });

  it('removes its work directory unless asked to keep it', async () => {
    const store = new MemoryStore();
    const root = workRoot();
    await runPlynxNode(operation({ cmd: 'true' }), store.io, { workRoot: root });
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('stores logs that grew while the script runs, on its clock, and the final logs at the end', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const go = `${workRoot()}/go`;
    const node = operation({ cmd: `echo first\nwhile [ ! -e ${go} ]; do sleep 0.02; done\necho second\n` });
    const seen: Record<string, string>[] = [];
    const { onStart, pid } = started();
    const root = workRoot();
    const run = runPlynxNode(node, store.io, { workRoot: root, clock, onStart, logIntervalMs: 1_000, onLogs: (logs) => void seen.push(logs) });
    await pid;
    const stdout = () => fs.readFileSync(`${root}/${fs.readdirSync(root)[0]}/l_stdout`, 'utf8');
    await expect.poll(stdout, { timeout: 5_000, interval: 10 }).toBe('first\n');
    await clock.advance(999);
    expect(seen).toEqual([]);
    await clock.advance(1);
    await expect.poll(() => seen.length, { timeout: 5_000, interval: 10 }).toBe(1);
    expect(store.text(seen[0]!.stdout)).toBe('first\n');
    expect(store.text(seen[0]!.worker)).toContain('started');
    // Nothing grew: the next tick stores nothing and reports nothing.
    await clock.advance(1_000);
    fs.writeFileSync(go, '');
    const result = await run;
    expect(seen).toHaveLength(1);
    expect(store.text(result.logs.stdout)).toBe('first\nsecond\n');
  });

  it('gives cloud-storage inputs the path their file names, and cloud-storage outputs a new path under the prefix', async () => {
    const store = new MemoryStore();
    const blob = store.put(JSON.stringify({ path: 'gs://bucket/in' }));
    const node = operation({
      cmd: "echo {{ cloud_input['src'] }} > {{ output['log'] }}\necho {{ cloud_output['dst'] }} >> {{ output['log'] }}",
      inputs: [{ name: 'src', fileTypes: ['cloud-storage'], resourceIds: [blob], minCount: 1, maxCount: 1 }],
      outputs: [{ name: 'dst', fileType: 'cloud-storage' }, { name: 'log' }],
    });
    const result = await runPlynxNode(node, store.io, { workRoot: workRoot(), cloudPrefix: 'gs://out' });
    expect(result.status).toBe('SUCCESS');
    const [input, output] = store.text(result.outputs.log).trim().split('\n');
    expect(input).toBe('gs://bucket/in');
    expect(JSON.parse(store.text(result.outputs.dst))).toEqual({ path: output });
    expect(output).toMatch(/^gs:\/\/out\/[0-9a-f-]{36}$/);
  });
});

// PLynx graphs run by real `pipeloom worker --queue plynx` processes through what goes wrong around them:
// a worker killed with SIGKILL mid-node, the server restarted mid-node, a cancel that must leave no process
// behind; and the File → 2 × grep → python sum graph end to end. (worker-run.test.ts covers success,
// the cache, a failing node and cancelling from the graph's side.)
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS } from '../helpers/server.ts';
import { finished, pause, tempDir } from '../worker/helpers.ts';
import { graph, instance, type Graph, type Node } from './plynx-fixture.ts';
import {
  alive, approveGraph, approvedOperation, graphWhen, killGroup, pidIn, plynxWorker, readGraph, resourceText, startRestartablePlynx, uploadFile, type RestartablePlynx,
} from './process-helpers.ts';

const NODE_LEASE_SECONDS = 3;
const statuses = (g: Graph) => g.nodes!.map((n) => n.node_running_status);
const isFinal = (g: Graph) => ['SUCCESS', 'FAILED', 'CANCELED'].includes(g.graph_running_status!);

describe.each(PROVIDERS)('PLynx graphs run by worker processes that die, lose the server or get canceled, on %s', (provider) => {
  let p: RestartablePlynx;
  const tmp = tempDir();
  let numbers: Node;
  let cat: Node;

  /** A bash node that writes its shell's pid (its process group) into `pidFile`, sleeps, then writes its output. */
  const sleeper = (title: string, pidFile: string, seconds: number) =>
    approvedOperation(p.alice, 'bash_jinja2', title, `echo $$ > ${pidFile}\nsleep ${seconds}\necho slept > {{ output['out'] }}`, { outputs: ['out'] });

  beforeAll(async () => {
    p = await startRestartablePlynx(provider, { nodeLeaseSeconds: NODE_LEASE_SECONDS });
    numbers = await uploadFile(p.url, p.aliceToken, 'numbers', `${Array.from({ length: 100 }, (_, i) => i + 1).join('\n')}\n`);
    cat = await approvedOperation(p.alice, 'bash_jinja2', 'cat', "cat {{ input['in'] }} > {{ output['out'] }}", { inputs: ['in'], outputs: ['out'] });
  });
  afterAll(async () => {
    await p?.close();
    tmp.remove();
  });

  function workDir(name: string): string {
    const dir = path.join(tmp.dir, `${provider}-${name}`);
    fs.mkdirSync(dir);
    return dir;
  }

  it('When File → 2 × grep → python sum is approved, then one worker runs it to SUCCESS and the sum output holds the exact sum', async () => {
    const grep = (prefix: string) => approvedOperation(p.alice, 'bash_jinja2', `grep ${prefix}`, `grep '^${prefix}' {{ input['in'] }} > {{ output['out'] }}`, { inputs: ['in'], outputs: ['out'] });
    const sum = await approvedOperation(p.alice, 'python', 'sum', [
      'total = 0',
      "for name in ('a', 'b'):",
      '    with open(input[name]) as f:',
      '        total += sum(int(line) for line in f if line.strip())',
      "with open(output['sum'], 'w') as f:",
      '    f.write(str(total))',
      "print('sum', total)",
    ].join('\n'), { inputs: ['a', 'b'], outputs: ['sum'] });
    const f = instance(numbers);
    const ones = instance(await grep('1'), { in: [[f, 'out']] });
    const twos = instance(await grep('2'), { in: [[f, 'out']] });
    const s = instance(sum, { a: [[ones, 'out']], b: [[twos, 'out']] });
    const g = graph('Sum of numbers starting with 1 or 2', [f, ones, twos, s]);
    await approveGraph(p.alice, g);

    const exit = await finished(plynxWorker(p.url, p.aliceToken, workDir('sum')), 60_000);

    expect(exit.code, exit.log).toBe(0);
    const read = await readGraph(p.alice, g._id!);
    expect(read.graph_running_status, exit.log).toBe('SUCCESS');
    expect(statuses(read)).toEqual(['STATIC', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    for (const node of read.nodes!.slice(1)) expect(node.outputs!.every((o) => o.resource_id)).toBe(true);
    const expected = Array.from({ length: 100 }, (_, i) => i + 1).filter((n) => /^[12]/.test(String(n))).reduce((a, b) => a + b, 0);
    const sumNode = read.nodes![3]!;
    expect(await resourceText(p.url, sumNode.outputs![0]!.resource_id!)).toBe(String(expected));
    const logs = new Map(sumNode.logs!.map((l) => [l.name, l.resource_id]));
    expect(logs.get('stdout')).toBeTruthy();
    expect(logs.get('worker')).toBeTruthy();
    expect(await resourceText(p.url, logs.get('stdout')!)).toContain(`sum ${expected}`);
  });

  it('When the worker running a node is killed with SIGKILL, then a second worker takes the node once the node lease expires and the graph ends SUCCESS', async () => {
    const dir = workDir('kill');
    const pidFile = path.join(dir, 'script.pid');
    const slow = instance(await sleeper('slow', pidFile, 2));
    const after = instance(cat, { in: [[slow, 'out']] });
    const g = graph('Survives a dead worker', [instance(numbers), slow, after]);
    await approveGraph(p.alice, g);

    const first = plynxWorker(p.url, p.aliceToken, dir);
    const script = await pidIn(pidFile);
    expect(statuses(await readGraph(p.alice, g._id!))).toEqual(['STATIC', 'RUNNING', 'CREATED']);
    first.child.kill('SIGKILL');
    await first.exited;
    // The machine is gone, and with it the node's script.
    killGroup(script);
    fs.rmSync(pidFile);
    // Until its lease expires, the dead worker's node still reads RUNNING; then it is handed out again.
    expect(statuses(await readGraph(p.alice, g._id!))).toEqual(['STATIC', 'RUNNING', 'CREATED']);
    p.clock.advance((NODE_LEASE_SECONDS + 1) * 1_000);

    const second = plynxWorker(p.url, p.aliceToken, dir);
    expect(await pidIn(pidFile)).not.toBe(script);
    const exit = await finished(second, 60_000);

    expect(exit.code, exit.log).toBe(0);
    const read = await readGraph(p.alice, g._id!);
    expect(read.graph_running_status, exit.log).toBe('SUCCESS');
    expect(statuses(read)).toEqual(['STATIC', 'SUCCESS', 'SUCCESS']);
    expect((await resourceText(p.url, read.nodes![2]!.outputs![0]!.resource_id!)).trim()).toBe('slept');
    expect(alive(script)).toBe(false);
  });

  it('When the server restarts while a node runs, then the worker carries on against the restarted server and the graph ends SUCCESS', async () => {
    const dir = workDir('restart');
    const pidFile = path.join(dir, 'script.pid');
    const slow = instance(await sleeper('slow', pidFile, 1));
    const after = instance(cat, { in: [[slow, 'out']] });
    const g = graph('Survives a server restart', [instance(numbers), slow, after]);
    await approveGraph(p.alice, g);
    const worker = plynxWorker(p.url, p.aliceToken, dir);
    try {
      await pidIn(pidFile);
      expect(statuses(await readGraph(p.alice, g._id!))).toEqual(['STATIC', 'RUNNING', 'CREATED']);

      await p.stop();
      // The node ends while the server is down: its finish (and the worker's calls) must wait for it.
      await pause(1_500);
      await p.start();

      const read = await graphWhen(p.alice, g._id!, 'the graph to end', isFinal, 60_000);
      const exit = await finished(worker, 30_000);
      if (process.env.SHOW_LOG) console.log(exit.log);
      expect(read.graph_running_status, exit.log).toBe('SUCCESS');
      expect(statuses(read)).toEqual(['STATIC', 'SUCCESS', 'SUCCESS']);
      expect(exit.code, exit.log).toBe(0);
      expect(exit.log).toMatch(/retrying/);
      expect((await resourceText(p.url, read.nodes![2]!.outputs![0]!.resource_id!)).trim()).toBe('slept');
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('When a graph whose node runs `sleep 600` is canceled, then the sleep is killed within 2 s and nothing is left running', async () => {
    const dir = workDir('cancel');
    const pidFile = path.join(dir, 'sleep.pid');
    const forever = await approvedOperation(p.alice, 'bash_jinja2', 'sleep 600', `sleep 600 &\necho $! > ${pidFile}\nwait`, { outputs: ['out'] });
    const g = graph('Canceled', [instance(forever)]);
    await approveGraph(p.alice, g);
    const worker = plynxWorker(p.url, p.aliceToken, dir);
    const sleep = await pidIn(pidFile);
    await graphWhen(p.alice, g._id!, 'the node to run', (read) => statuses(read)[0] === 'RUNNING');

    const canceledAt = Date.now();
    await unwrap(p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: g._id! } } }));
    while (alive(sleep) && Date.now() - canceledAt < 10_000) await pause(25);
    const tookMs = Date.now() - canceledAt;
    const exit = await finished(worker, 30_000);

    expect(alive(sleep), exit.log).toBe(false);
    expect(tookMs, exit.log).toBeLessThan(2_000);
    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary, exit.log).toMatchObject({ counts: { canceled: 1, failed: 0 } });
    expect(exit.log).not.toMatch(/could not be started/);
    const read = await readGraph(p.alice, g._id!);
    expect(read.graph_running_status).toBe('CANCELED');
    expect(statuses(read)).toEqual(['CANCELED']);
  });
});

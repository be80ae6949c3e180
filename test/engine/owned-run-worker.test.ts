// A run started through the run engine is served by a real `pipeloom worker --queue` process: the worker's
// calls stay within what an owned workflow allows, jobs run in dependency order, a failure cancels the
// jobs after it, and the engine reads back the outcome and the worker.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/server/src/clock.ts';
import { runTransaction } from '../../packages/server/src/db/transaction.ts';
import { createRunEngine } from '../../packages/server/src/torc/engine/torc-run-engine.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { finished, nodeEval, startQueueWorker, tempDir } from '../worker/helpers.ts';

describe.each(PROVIDERS)('an owned run served by pipeloom worker --queue on %s', (provider) => {
  let t: TestServer;
  const cleanup: Array<() => void> = [];
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => {
    await t?.close();
    for (const remove of cleanup) remove();
  });

  it('When a worker serves the run\'s queue, then every job runs or is canceled as its dependencies say, and the engine reports it', async () => {
    const { dir, remove } = tempDir();
    cleanup.push(remove);
    const engine = createRunEngine(t.server.database, systemClock);
    const queue = `plynx-${provider}`;
    const since = new Date(Date.now() - 1000);
    const ok = (name: string) => nodeEval(`require('fs').appendFileSync('order.log', ${JSON.stringify(name)} + '\\n')`);
    const { workflowKey } = await runTransaction(t.server.database.db, (tx) => engine.startRun(tx, {
      owner: 'plynx', name: 'graph', user: 'alice', queue,
      jobs: [
        { name: 'a', command: ok('a'), after: [] },
        { name: 'b', command: ok('b'), after: ['a'] },
        { name: 'fails', command: nodeEval('process.exit(4)'), after: ['a'] },
        { name: 'after-fail', command: ok('after-fail'), after: ['fails', 'b'] },
      ],
    }));

    const worker = startQueueWorker(t.url, queue, dir, ['--cpus', '2', '--memory', '2']);
    const exit = await finished(worker, 60_000);
    expect(exit.summary, exit.log).toMatchObject({ reason: 'complete' });
    expect(fs.readFileSync(path.join(dir, 'order.log'), 'utf8').trim().split('\n')).toEqual(['a', 'b']);

    const state = await engine.runState(workflowKey);
    expect(state!.canceled).toBe(false);
    expect(state!.jobs.map(({ name, status, returnCode }) => [name, status, returnCode])).toEqual([
      ['a', 'done', 0], ['b', 'done', 0], ['fails', 'done', 4], ['after-fail', 'canceled', null],
    ]);
    const workers = await engine.workers('plynx', since);
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ running: [], finishedSince: 3 });
    // No request was refused; the timestamps that start each line may hold the digits 403 themselves.
    expect(exit.log.replace(/^\S+Z /gm, '')).not.toContain('403');
  });
});

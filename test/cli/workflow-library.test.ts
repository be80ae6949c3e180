// The library under `pipeloom workflow`, called in-process as a Node script would: lists longer than a page
// are read page by page (skip/limit), so large workflows are handled whole.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { iterateItems } from '../../packages/sdk/src/workflow/paging.ts';
import { createWorkflow, getWorkflowProgress, WorkflowCommandError } from '../../packages/sdk/src/workflow/index.ts';
import { restartWorkflow } from '../../packages/sdk/src/workflow/restart.ts';
import { startWorkflow } from '../../packages/sdk/src/workflow/start.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { diamondSpec, jobStatuses, removeTempDirs, runJobs, tempDir, touch, writeFile } from './helpers.ts';

describe('iterateItems', () => {
  it('When a list spans several pages, then every item comes once, in order, and paging stops when has_more is false', async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const asked: [number, number][] = [];
    const seen: number[] = [];
    for await (const n of iterateItems(async ({ skip, limit }) => {
      asked.push([skip, limit]);
      const items = all.slice(skip, skip + limit);
      return { items, skip, count: items.length, total_count: all.length, has_more: skip + items.length < all.length };
    }, { pageSize: 3 })) seen.push(n);
    expect(seen).toEqual(all);
    expect(asked).toEqual([[0, 3], [3, 3], [6, 3]]);
  });
});

describe.each(PROVIDERS)('workflow library with one-item pages on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => {
    await t?.close();
    removeTempDirs();
  });

  it('When restart reads files, consumers and producers one item per page, then it still resets exactly the affected jobs', async () => {
    const dir = tempDir();
    writeFile(dir, 'data/inputs.json');
    const workflow = await createWorkflow(t.client, diamondSpec, { user: 'lib' });
    const key = workflow._key!;
    expect(workflow.user).toBe('lib');
    const log: string[] = [];
    expect(await startWorkflow(t.client, key, { cwd: dir, pageSize: 1, log: (m) => log.push(m) })).toEqual({ key, run_id: 1, updated_files: ['inputs'] });
    expect(log).toEqual(['Recorded the modification time of 1 file(s)']);
    await runJobs(t.client, key, dir);

    touch(path.join(dir, 'output/f1.json'));
    fs.rmSync(path.join(dir, 'output/f4.json'));
    const result = await restartWorkflow(t.client, key, { cwd: dir, pageSize: 1 });
    expect(result.changed_files.map((f) => [f.name, f.st_mtime === null])).toEqual([['f1', false], ['f4', true]]);
    expect(await jobStatuses(t.client, key)).toEqual({ preprocess: 'done', work1: 'ready', work2: 'ready', postprocess: 'blocked' });
    expect((await runJobs(t.client, key, dir)).sort()).toEqual(['postprocess', 'work1', 'work2']);
  });

  it('When several jobs failed, then status finds each of them across pages of results and jobs', async () => {
    const dir = tempDir();
    const workflow = await createWorkflow(t.client, { name: 'many', jobs: Array.from({ length: 6 }, (_, i) => ({ name: `j${i}`, command: 'true' })) });
    const key = workflow._key!;
    await startWorkflow(t.client, key, { cwd: dir });
    await runJobs(t.client, key, dir, { j1: 1, j3: 2, j4: -9 });
    const progress = await getWorkflowProgress(t.client, key, { pageSize: 1 });
    expect(progress.jobs).toMatchObject({ done: 3, failed: 3 });
    const jobs = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }))).items!;
    expect(progress.failed_jobs).toEqual(jobs.filter((j) => ['j1', 'j3', 'j4'].includes(j.name!)).map((j) => j._key));
  });

  it('When start is refused, then the error carries a code and the missing files for programs to use', async () => {
    const dir = tempDir();
    const workflow = await createWorkflow(t.client, diamondSpec);
    const error = await startWorkflow(t.client, workflow._key!, { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowCommandError);
    expect(error).toMatchObject({ code: 'MISSING_INPUT_FILES', details: [{ name: 'inputs', path: 'data/inputs.json' }] });
  });
});

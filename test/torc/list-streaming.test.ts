// Torc's list pages are streamed: read in chunks of LIST_CHUNK_ROWS and written as they are read. A page
// spanning several chunks must equal the page read whole (every match once, in the asked order, with the
// same skip/count/total_count/has_more), and a client that leaves mid-page must leave the server serving.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { LIST_CHUNK_ROWS } from '../../packages/server/src/torc/document-repository.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];

/** Enough jobs for a page to span two whole chunks and part of a third. */
const N = 2 * LIST_CHUNK_ROWS + 500;

/** Binary string order; every compared string here has one fixed shape, so each database's collation agrees. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Job i's name: a scrambled order with ties (two jobs share each name), every tenth job has none. */
const nameOf = (i: number) => (i % 10 === 3 ? undefined : `n${String((i * 7919) % (N / 2)).padStart(5, '0')}`);

describe.each(PROVIDERS)('Torc list streaming on %s', (provider) => {
  let t: TestServer;
  let workflow: string;
  /** The jobs as created, in key order. */
  let jobs: Job[];
  beforeAll(async () => {
    t = await startTestServer(provider);
    workflow = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester' } })))._key!;
    const bodies: Job[] = Array.from({ length: N }, (_, i) => ({
      ...(nameOf(i) === undefined ? {} : { name: nameOf(i) }),
      command: `run ${i}`,
      cancel_on_blocking_job_failure: i % 3 !== 0,
    }));
    jobs = (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs: bodies } }))).items!;
  }, 120_000);
  afterAll(async () => { await t?.close(); });

  const listJobs = (query: Record<string, unknown>) =>
    unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow }, query } }));
  const keys = (list: Job[]) => list.map((j) => j._key);
  /** Absent names first, then by name, ties by key: the order sort_by=name documents. */
  const byName = (a: Job, b: Job) =>
    (a.name === undefined ? -1 : 0) - (b.name === undefined ? -1 : 0) || cmp(a.name ?? '', b.name ?? '') || Number(a._key) - Number(b._key);
  /** Reversed: by name descending with absent names last, ties still by key. */
  const byNameReversed = (a: Job, b: Job) =>
    (b.name === undefined ? -1 : 0) - (a.name === undefined ? -1 : 0) || cmp(b.name ?? '', a.name ?? '') || Number(a._key) - Number(b._key);

  it('When a page spans several read chunks, then every job comes back once, whole and in key order', async () => {
    const page = await listJobs({});
    expect(page).toMatchObject({ skip: 0, max_limit: 100000, count: N, total_count: N, has_more: false });
    expect(page.items).toEqual(jobs);
  });

  it('When such a page is skipped into, reversed or cut by a limit, then it holds exactly that window of the whole order', async () => {
    const ascending = keys(jobs);
    const descending = [...ascending].reverse();
    const skip = LIST_CHUNK_ROWS - 7;
    const limit = LIST_CHUNK_ROWS + 11;
    expect(keys((await listJobs({ skip, limit })).items!)).toEqual(ascending.slice(skip, skip + limit));
    expect(await listJobs({ skip, limit })).toMatchObject({ skip, count: limit, total_count: N, has_more: true });
    expect(keys((await listJobs({ reverse_sort: true })).items!)).toEqual(descending);
    expect(keys((await listJobs({ sort_by: '_key', reverse_sort: true, skip })).items!)).toEqual(descending.slice(skip));
    expect(await listJobs({ skip: N - 5 })).toMatchObject({ count: 5, total_count: N, has_more: false });
    expect(await listJobs({ skip: N + 5 })).toMatchObject({ items: [], count: 0, total_count: N, has_more: false });
  });

  it('When such a page is sorted by a field with ties and absent values, then it is in that order across chunk boundaries', async () => {
    const skip = 123;
    expect(keys((await listJobs({ sort_by: 'name' })).items!)).toEqual(keys([...jobs].sort(byName)));
    expect(keys((await listJobs({ sort_by: 'name', reverse_sort: true, skip })).items!)).toEqual(keys([...jobs].sort(byNameReversed).slice(skip)));
  });

  it('When such a page is filtered, then only the matches come back, in order, and total_count counts them all', async () => {
    const matching = jobs.filter((j) => j.cancel_on_blocking_job_failure === false);
    const page = await listJobs({ cancel_on_blocking_job_failure: false, skip: 10, limit: LIST_CHUNK_ROWS + 1 });
    expect(keys(page.items!)).toEqual(keys(matching.slice(10, 10 + LIST_CHUNK_ROWS + 1)));
    expect(page).toMatchObject({ total_count: matching.length, has_more: matching.length > 10 + LIST_CHUNK_ROWS + 1 });
  });

  it('When jobs are found by status over more than one chunk, then all come back in key order from the skip on', async () => {
    const page = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', {
      params: { path: { workflow, status: 'uninitialized' }, query: { skip: 100 } },
    }));
    expect(page).toMatchObject({ skip: 100, count: N - 100, total_count: N, has_more: false });
    expect(page.items).toEqual(jobs.slice(100));
  });

  it('When jobs needing one file span more than one chunk, then all come back in key order', async () => {
    const spec = {
      user: 'tester',
      name: 'fan-in',
      files: [{ name: 'shared', path: 'shared.txt' }],
      jobs: Array.from({ length: LIST_CHUNK_ROWS + 50 }, (_, i) => ({ name: `reader${i}`, command: `read ${i}`, input_files: ['shared'] })),
    };
    const w = (await unwrap(t.client.POST('/torc-service/workflow_specifications', { body: spec })))._key!;
    const [file] = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: w } } }))).items!;
    const page = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/find_by_needs_file/{key}', {
      params: { path: { workflow: w, key: file!._key! }, query: { skip: 1 } },
    }));
    expect(page).toMatchObject({ skip: 1, count: LIST_CHUNK_ROWS + 49, total_count: LIST_CHUNK_ROWS + 50, has_more: false });
    expect(page.items!.map((j) => j.name)).toEqual(spec.jobs.slice(1).map((j) => j.name));
  });

  it('When a generic collection page spans more than one chunk, then it comes back whole and in the asked order', async () => {
    const spec = {
      user: 'tester',
      name: 'many-files',
      files: Array.from({ length: LIST_CHUNK_ROWS + 300 }, (_, i) => ({ name: `f${i}`, path: `p${String(i % 97).padStart(2, '0')}x${String(i).padStart(5, '0')}` })),
      jobs: [{ name: 'only', command: 'true' }],
    };
    const w = (await unwrap(t.client.POST('/torc-service/workflow_specifications', { body: spec })))._key!;
    const list = (query: Record<string, unknown>) => unwrap(t.client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: w }, query } }));
    const all = (await list({})).items!;
    expect(all.map((f) => f.name)).toEqual(spec.files.map((f) => f.name));
    const byPathReversed = [...all].sort((a, b) => cmp(b.path, a.path) || Number(a._key) - Number(b._key));
    const page = await list({ sort_by: 'path', reverse_sort: true, skip: 5, limit: LIST_CHUNK_ROWS + 100 });
    expect(page.items).toEqual(byPathReversed.slice(5, 5 + LIST_CHUNK_ROWS + 100));
    expect(page).toMatchObject({ skip: 5, count: LIST_CHUNK_ROWS + 100, total_count: spec.files.length, has_more: true });
  });

  it('When a client goes away in the middle of a large page, then the server keeps answering, lists included', async () => {
    // Long commands make the page far larger than the socket buffers, so the server is still writing it.
    const w = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'tester' } })))._key!;
    const long = 'x'.repeat(4000);
    const bodies = Array.from({ length: 4000 }, (_, i) => ({ name: `big${i}`, command: `${long} ${i}` }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: w } }, body: { jobs: bodies } }));

    const firstBytes = await new Promise<string>((resolve, reject) => {
      const req = http.get(`${t.url}/torc-service/workflows/${w}/jobs`, (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk.toString('utf8', 0, 20));
        });
      });
      req.on('error', reject);
    });
    expect(firstBytes.startsWith('{"items":[{')).toBe(true);

    expect((await t.client.GET('/torc-service/ping')).response.status).toBe(200);
    const again = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w }, query: { skip: 3990 } } }));
    expect(again.items!.map((j) => j.name)).toEqual(bodies.slice(3990).map((b) => b.name));
    expect(again).toMatchObject({ count: 10, total_count: 4000, has_more: false });
  });
});

// Concurrent claims from separate processes (and, on PostgreSQL, through two server processes sharing one
// database): every job is handed out exactly once.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { startServer, type RunningServer } from '../../packages/server/src/index.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const root = path.resolve(import.meta.dirname, '../..');

function claimer(url: string, workflow: string, mode: 'resources' | 'next'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'test/helpers/claimer.ts'), url, workflow, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    // 'close', not 'exit': stdout may still hold the answer when the process exits.
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`claimer exited ${code}`))));
  });
}

describe.each(PROVIDERS)('concurrent claims on %s', (provider) => {
  let t: TestServer;
  let second: RunningServer | undefined;
  beforeAll(async () => {
    t = await startTestServer(provider);
    // Two server processes' worth of connections: a second server on the same database.
    if (provider === 'postgresql') second = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: t.databaseUrl, logLevel: 'silent', tokens: [] });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('When 16 processes claim 1,000 ready jobs at once, then every job is handed out exactly once', async () => {
    const w = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'race' } }));
    const workflow = w._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: workflow } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key: workflow } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs: Array.from({ length: 1000 }, (_, i) => ({ name: `j${i}`, command: 'true' })) } }));
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key: workflow } }, body: {} }));

    const urls = second ? [t.url, second.url] : [t.url];
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => claimer(urls[i % urls.length]!, workflow, i % 2 ? 'next' : 'resources')));

    const all = results.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(1000);
    const pending = await unwrap(createPipeloomClient({ baseUrl: t.url }).GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow }, query: { status: 'submitted_pending' } } }));
    expect(pending.total_count).toBe(1000);
  }, 120_000);
});

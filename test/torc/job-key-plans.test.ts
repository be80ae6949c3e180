// Statements that name jobs by key find them by key. SQLite plans without statistics and would serve a
// `workflow_id = ?` guard from the (workflow_id, name) index, walking every job of the workflow to find a few
// keys (the batched lifecycle ran at 6,000 instead of 10,000 jobs/s on a 100,000-job workflow). Plans, not
// timings. PostgreSQL plans from statistics, so the check is SQLite's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { recordStatements, sqlitePlans, type RecordedStatement } from '../../bench/query-plans.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// `id IN (?, ...)` on torc_job itself: a list of keys, not a subquery.
const namesJobKeys = (s: RecordedStatement) => /\btorc_job\b/.test(s.sql) && /(?<![\w.])id IN \(\?/.test(s.sql);

describe('job lookups by key on sqlite', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  it('When jobs are claimed, completed and released by key, then every statement finds them by primary key', async () => {
    // 40 parents, each blocking one child: completing the parents releases the children.
    const jobs = Array.from({ length: 80 }, (_, i) => ({ name: `j${i}`, command: 'true', blocked_by: i < 40 ? [] : [`j${i - 40}`] }));
    const key = (await unwrap(t.client.POST('/torc-service/workflow_specifications', { body: { user: 'plans', name: 'plans', jobs } })))._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    const node = (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'n', pid: 1, start_time: 'now', resources: { num_cpus: 8, memory_gb: 8 } } })))._key!;
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));

    const recording = recordStatements();
    try {
      const prepared = await unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_jobs_for_submission', { params: { path: { key }, query: { limit: 5 } }, body: { num_cpus: 8, memory_gb: 8 } }));
      expect(prepared.jobs).toHaveLength(5);
      const { jobs: claimed } = await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key } }, body: { compute_node_key: node, run_id: 1, limit: 100 } }));
      expect(claimed).toHaveLength(35);
      await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
        params: { path: { key } },
        body: {
          compute_node_key: node, run_id: 1,
          completions: claimed.map((j) => ({ job_key: j._key!, rev: j._rev!, status: 'done' as const, result: { job_key: j._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: 'now', status: 'done' } })),
        },
      }));
    } finally {
      recording.stop();
    }

    const byKey = recording.statements.filter(namesJobKeys);
    expect(byKey.length).toBeGreaterThanOrEqual(3);
    // The steps that read torc_job itself (not its edges or subqueries on other tables).
    const plans = sqlitePlans(t.databaseUrl, byKey).map((plan, i) => ({
      sql: byKey[i]!.sql.replace(/\s+/g, ' ').slice(0, 80), plan: plan.filter((line) => /^(SEARCH|SCAN) torc_job\b/.test(line)),
    }));
    expect(plans.filter((p) => !p.plan.every((line) => line.includes('USING INTEGER PRIMARY KEY')))).toEqual([]);
  });
});

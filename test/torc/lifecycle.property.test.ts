// Property test of the lifecycle engine: random DAGs driven by random sequences of claim, start, complete
// (success or failure), partial reset and cancel-and-restart, with Torc's invariants checked after every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];
const COMPLETE = new Set(['done', 'canceled', 'terminated']);

const dagArb = fc.integer({ min: 2, max: 7 }).chain((n) => fc.record({
  n: fc.constant(n),
  edges: fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a < b), { maxLength: 12, selector: ([a, b]) => `${a}-${b}` }),
  tolerant: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
}));
const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('start' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('complete' as const), pick: fc.nat(), ok: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reset_failed' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel_and_restart' as const) }) },
);

describe.each(PROVIDERS)('lifecycle properties on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  it('keeps Torc\'s invariants on random DAGs and random operations, and always reaches completion', async () => {
    await fc.assert(fc.asyncProperty(dagArb, fc.array(stepArb, { maxLength: 25 }), async (dag, steps) => {
      const c = t.client;
      const w = (await unwrap(c.POST('/torc-service/workflows', { body: { user: 'prop' } })))._key!;
      const status = await unwrap(c.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w } } }));
      await unwrap(c.PUT('/torc-service/workflows/{key}/status', { params: { path: { key: w } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
      const node = (await unwrap(c.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: w } }, body: { hostname: 'h', pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } } })))._key!;
      const created: Job[] = [];
      for (let i = 0; i < dag.n; i++) {
        const blockers = dag.edges.filter(([, b]) => b === i).map(([a]) => created[a]!._id!);
        created.push(await unwrap(c.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } }, body: { name: `j${i}`, command: 'x', blocked_by: blockers, cancel_on_blocking_job_failure: !dag.tolerant[i] } })));
      }
      const keyOf = new Map(created.map((j, i) => [j._key!, i]));
      const initialize = (onlyUninitialized = false) => unwrap(c.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key: w }, query: { only_uninitialized: onlyUninitialized } }, body: {} }));
      await initialize();
      let claimed: Job[] = [];
      let started: Job[] = [];

      const jobs = async () => (await unwrap(c.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w } } }))).items!;
      const check = async () => {
        const all = await jobs();
        const byIndex = new Map(all.map((j) => [keyOf.get(j._key!)!, j]));
        for (const [i, job] of byIndex) {
          const blockers = dag.edges.filter(([, b]) => b === i).map(([a]) => byIndex.get(a)!);
          const open = blockers.filter((b) => !COMPLETE.has(b.status!));
          if (job.status === 'ready') expect(open, `ready j${i} has incomplete blockers`).toEqual([]);
          if (job.status === 'blocked') expect(open.length, `blocked j${i} has no incomplete blocker`).toBeGreaterThan(0);
        }
        for (const j of [...claimed, ...started]) expect(byIndex.get(keyOf.get(j._key!)!)!.status, `in-flight ${j.name} was disturbed`).toMatch(/^submitted/);
        const done = await unwrap(c.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w } } }));
        if (done.is_complete) for (const j of all) expect(['done', 'canceled', 'terminated', 'disabled']).toContain(j.status);
      };
      const complete = async (job: Job, ok: boolean) => {
        await unwrap(c.POST('/torc-service/workflows/{workflow}/jobs/{key}/complete_job/{status}/{rev}/{run_id}/{compute_node_key}', {
          params: { path: { workflow: w, key: job._key!, status: 'done', rev: job._rev!, run_id: 1, compute_node_key: node } },
          body: { job_key: job._key!, run_id: 1, return_code: ok ? 0 : 1, exec_time_minutes: 0, completion_time: 'now', status: 'done' },
        }));
      };

      for (const step of steps) {
        if (step.op === 'claim') {
          const got = (await unwrap(c.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w }, query: { limit: step.limit } }, body: {} }))).jobs;
          const inFlight = new Set([...claimed, ...started].map((j) => j._key));
          for (const j of got) expect(inFlight.has(j._key), `${j.name} handed out twice`).toBe(false);
          claimed.push(...got);
        } else if (step.op === 'start' && claimed.length) {
          const [job] = claimed.splice(step.pick % claimed.length, 1);
          started.push(await unwrap(c.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w, key: job!._key!, rev: job!._rev!, run_id: 1, compute_node_key: node } }, body: {} })));
        } else if (step.op === 'complete' && started.length) {
          const [job] = started.splice(step.pick % started.length, 1);
          await complete(job!, step.ok);
        } else if (step.op === 'reset_failed') {
          // A partial rerun while other jobs are still in flight.
          await unwrap(c.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w }, query: { failed_only: true } }, body: {} }));
          await initialize(true);
        } else if (step.op === 'cancel_and_restart') {
          await unwrap(c.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key: w } }, body: {} }));
          claimed = [];
          started = [];
          await unwrap(c.POST('/torc-service/workflows/{key}/reset_status', { params: { path: { key: w } }, body: {} }));
          await unwrap(c.POST('/torc-service/workflows/{key}/reset_job_status', { params: { path: { key: w } }, body: {} }));
          await initialize();
        }
        await check();
      }

      // Drain: finish what is in flight, then run everything that becomes ready.
      for (const j of claimed) started.push(await unwrap(c.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w, key: j._key!, rev: j._rev!, run_id: 1, compute_node_key: node } }, body: {} })));
      for (const j of started) await complete(j, true);
      claimed = [];
      started = [];
      for (let round = 0; round <= dag.n; round++) {
        const got = (await unwrap(c.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: w }, query: { limit: 100 } }, body: {} }))).jobs;
        for (const j of got) {
          const s = await unwrap(c.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: w, key: j._key!, rev: j._rev!, run_id: 1, compute_node_key: node } }, body: {} }));
          await complete(s, true);
        }
        await check();
      }
      const done = await unwrap(c.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: w } } }));
      expect(done.is_complete, JSON.stringify((await jobs()).map((j) => [j.name, j.status]))).toBe(true);
    }), { numRuns: Number(process.env.FC_RUNS ?? 12), seed: Number(process.env.FC_SEED ?? 20261122), verbose: 1 });
  }, 300_000);
});

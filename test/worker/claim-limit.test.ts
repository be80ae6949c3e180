// How many jobs a worker asks for. On PostgreSQL a claim locks up to `limit` candidate jobs (FOR UPDATE SKIP
// LOCKED) while it packs them, and claims running at the same time skip locked rows: a worker asking for
// 1,000 jobs with room for 4 left the other workers of a scaled-out pool with nothing. So a worker asks for
// no more than its free CPUs, and claims again at once when the answer comes back full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { claimLimit } from '../../packages/sdk/src/worker/claims.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow } from './helpers.ts';

describe('claimLimit', () => {
  it.each([
    ['room for 4 CPUs and no parallel cap', Infinity, 0, 4, 4],
    ['a parallel cap below the free CPUs', 2, 0, 8, 2],
    ['jobs already running against the cap', 3, 3, 8, 0],
    ['no free CPU (jobs that need none may still fit)', Infinity, 5, 0, 1],
    ['more free CPUs than one claim hands out', Infinity, 0, 5_000, 1_000],
  ])('When a worker has %s, then it asks for the right number of jobs', (_what, maxParallel, active, freeCpus, expected) => {
    expect(claimLimit(maxParallel, active, freeCpus)).toBe(expected);
  });
});

describe.runIf(PROVIDERS.includes('postgresql'))('concurrent claims on PostgreSQL', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('postgresql'); });
  afterAll(async () => { await t?.close(); });

  it('When eight workers with 4 free CPUs each claim at the same moment, then every one of them gets 4 jobs', async () => {
    // Arrange: plenty of ready jobs, eight compute nodes.
    const key = await createWorkflow(t.client, { name: 'claim-limit', jobs: Array.from({ length: 200 }, (_, i) => ({ name: `j${i}`, command: 'true' })) });
    const resources = { num_cpus: 4, memory_gb: 4, num_gpus: 0, num_nodes: 1, time_limit: null, scheduler_config_id: '' };
    const nodes: string[] = [];
    for (let pid = 0; pid < 8; pid++) {
      const node = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'worker', pid, start_time: new Date().toISOString(), is_active: true, resources, scheduler: {} } }));
      nodes.push(node._key!);
    }

    // Act: three rounds of eight simultaneous claims, each asking for what the worker would.
    const rounds: number[][] = [];
    for (let round = 0; round < 3; round++) {
      rounds.push(await Promise.all(nodes.map(async (node) => {
        const answer = await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', {
          params: { path: { key } },
          body: { compute_node_key: node, run_id: 1, limit: claimLimit(Infinity, 0, resources.num_cpus), sort_method: 'gpus_runtime_memory', resources },
        }));
        return answer.jobs.length;
      })));
    }

    // Assert
    expect(rounds).toEqual([[4, 4, 4, 4, 4, 4, 4, 4], [4, 4, 4, 4, 4, 4, 4, 4], [4, 4, 4, 4, 4, 4, 4, 4]]);
  });
});

// The Dioptra sharing setting: on a testbed (the default) every user reads every experiment and job; on a
// private server (PIPELOOM_DIOPTRA_SHARING=private) a user sees only their own experiments, and the jobs they
// submitted or that run on a queue they registered, while queues stay shared. What a user may not see answers
// exactly as something that does not exist.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUsers } from '../helpers/users.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { MESSAGES } from './http.ts';

type User = 'alice' | 'bob' | 'carol' | 'root';

const JOB_NOT_FOUND = 'Not Found - The requested job does not exist';
const SUBMISSION_ERROR = 'Bad Request - The job submission form contains invalid parameters. Please verify and resubmit.';

describe.each(PROVIDERS)('Dioptra sharing on %s', (provider) => {
  const servers: Partial<Record<'testbed' | 'private', TestServer>> = {};
  const tokens: Record<'testbed' | 'private', Record<User, string>> = { testbed: {} as Record<User, string>, private: {} as Record<User, string> };

  beforeAll(async () => {
    for (const sharing of ['testbed', 'private'] as const) {
      const t = (servers[sharing] = await startTestServer(provider, { env: { PIPELOOM_DIOPTRA_SHARING: sharing } }));
      tokens[sharing] = await addUsers(t, ['alice', 'bob', 'carol', 'root'], ['root']);
    }
  });
  afterAll(async () => {
    await servers.testbed?.close();
    await servers.private?.close();
  });

  /** A client of one server signed in as `user`. */
  function as(sharing: 'testbed' | 'private', user: User) {
    const t = servers[sharing]!;
    const auth = { authorization: `Bearer ${tokens[sharing][user]}` };
    const read = async (r: Response) => ({ status: r.status, body: (r.headers.get('content-type') ?? '').includes('json') ? await r.json() : await r.text() });
    return {
      get: async (route: string) => read(await fetch(`${t.url}${route}`, { headers: auth })),
      del: async (route: string) => read(await fetch(`${t.url}${route}`, { method: 'DELETE', headers: auth })),
      put: async (route: string, json: unknown) => read(await fetch(`${t.url}${route}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(json) })),
      async post(route: string, fields: Record<string, string>, workflow?: boolean) {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        if (workflow) form.append('workflow', new Blob([new Uint8Array(crypto.randomBytes(100))]), 'workflows.tar.gz');
        return read(await fetch(`${t.url}${route}`, { method: 'POST', headers: auth, body: form }));
      },
    };
  }

  /** Alice's experiment and job on bob's queue, on one server. */
  async function aliceJob(sharing: 'testbed' | 'private') {
    const n = crypto.randomBytes(3).toString('hex');
    const alice = as(sharing, 'alice');
    const experiment = (await alice.post('/api/experiment/', { name: `exp-${n}` })).body as { experimentId: number };
    expect((await as(sharing, 'bob').post('/api/queue/', { name: `queue-${n}` })).status).toBe(200);
    const job = await alice.post('/api/job/', { experiment_name: `exp-${n}`, queue: `queue-${n}`, entry_point: 'main' }, true);
    expect(job.status).toBe(200);
    return { n, experimentId: experiment.experimentId, jobId: (job.body as { jobId: string }).jobId };
  }

  it('When the server is a testbed, then every user reads every experiment and job', async () => {
    const { n, experimentId, jobId } = await aliceJob('testbed');
    const carol = as('testbed', 'carol');
    expect((await carol.get(`/api/experiment/${experimentId}`)).status).toBe(200);
    expect((await carol.get(`/api/experiment/name/exp-${n}`)).status).toBe(200);
    expect(((await carol.get('/api/experiment/')).body as { name: string }[]).map((e) => e.name)).toContain(`exp-${n}`);
    expect((await carol.get(`/api/job/${jobId}`)).status).toBe(200);
    expect(((await carol.get('/api/job/')).body as { jobId: string }[]).map((j) => j.jobId)).toContain(jobId);
  });

  it('When the server is private, then another user finds nothing of a user\'s experiment and job, as if they did not exist', async () => {
    const { n, experimentId, jobId } = await aliceJob('private');
    const carol = as('private', 'carol');
    const noExperiment = { status: 404, body: { message: MESSAGES.experimentNotFound, code: 'DOCUMENT_NOT_FOUND' } };
    expect(await carol.get(`/api/experiment/${experimentId}`)).toEqual(noExperiment);
    expect(await carol.get(`/api/experiment/name/exp-${n}`)).toEqual(noExperiment);
    expect(await carol.put(`/api/experiment/${experimentId}`, { name: 'taken' })).toEqual(noExperiment);
    expect(await carol.del(`/api/experiment/${experimentId}`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
    expect(((await carol.get('/api/experiment/')).body as { name: string }[]).map((e) => e.name)).not.toContain(`exp-${n}`);
    const noJob = { status: 404, body: { message: JOB_NOT_FOUND, code: 'DOCUMENT_NOT_FOUND' } };
    for (const route of [`/api/job/${jobId}`, `/api/job/${jobId}/log`, `/api/job/${jobId}/workflow`, `/api/job/${jobId}/taskPlugins`]) {
      expect(await carol.get(route), route).toEqual(noJob);
    }
    expect(((await carol.get('/api/job/')).body as { jobId: string }[]).map((j) => j.jobId)).not.toContain(jobId);
    // Naming what one cannot see in a submission is the same mistake as naming nothing.
    expect(await carol.post('/api/job/', { experiment_name: `exp-${n}`, queue: `queue-${n}`, entry_point: 'main' }, true)).toEqual({ status: 400, body: { message: SUBMISSION_ERROR, code: 'INVALID_ARGUMENT' } });
    expect((await as('private', 'alice').get(`/api/experiment/${experimentId}`)).status).toBe(200);
  });

  it('When the server is private, then the submitter, the queue\'s registrant and administrators see the job, and queues stay shared', async () => {
    const { n, jobId } = await aliceJob('private');
    for (const user of ['alice', 'bob', 'root'] as const) {
      const client = as('private', user);
      expect((await client.get(`/api/job/${jobId}`)).status, user).toBe(200);
      expect(((await client.get('/api/job/')).body as { jobId: string }[]).map((j) => j.jobId), user).toContain(jobId);
    }
    const carol = as('private', 'carol');
    expect((await carol.get(`/api/queue/name/queue-${n}`)).status).toBe(200);
    const own = await carol.post('/api/experiment/', { name: `carol-${n}` });
    expect(own.status).toBe(200);
    const job = await carol.post('/api/job/', { experiment_name: `carol-${n}`, queue: `queue-${n}`, entry_point: 'main', depends_on: jobId }, true);
    expect(job).toEqual({ status: 400, body: { message: SUBMISSION_ERROR, code: 'INVALID_ARGUMENT' } });
    expect((await carol.post('/api/job/', { experiment_name: `carol-${n}`, queue: `queue-${n}`, entry_point: 'main' }, true)).status).toBe(200);
  });
});

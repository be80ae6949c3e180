// Dioptra job submission on its own, over a real database and content store, with the run engine TEST
// DOUBLE: a submission whose engine run cannot be started leaves nothing behind (no job, no stored archive),
// a held-back job is released once however many callers try at the same time, and the end of the job it
// waits for is recorded only together with its release.
import { LOCAL_IDENTITY } from '../../packages/server/src/http/auth.ts';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import type { Database } from '../../packages/server/src/db/client.ts';
import { runTransaction } from '../../packages/server/src/db/transaction.ts';
import type { DioptraServices } from '../../packages/server/src/dioptra/composition.ts';
import { jobRepository } from '../../packages/server/src/dioptra/jobs/job-repository.ts';
import { jobRuns } from '../../packages/server/src/dioptra/jobs/job-runs.ts';
import { PROVIDERS } from '../helpers/server.ts';
import { RunEngineDouble } from '../plynx/run-engine-double.ts';
import { dioptraServicesOn, type DioptraBench } from './services.ts';

const ALICE = { user: 'alice', via: 'bearer', isAdmin: false } as const;

describe.each(PROVIDERS)('Dioptra job submission with an engine double on %s', (provider) => {
  let bench: DioptraBench;
  let database: Database;
  let dir: string;
  let s: DioptraServices;
  const engine = new RunEngineDouble();
  const clock = new ManualClock();
  let uploads = 0;

  /** An upload's temporary file, as the multipart parser leaves it. */
  function upload(): { path: string; originalName: string; size: number } {
    const file = path.join(dir, `upload-${uploads++}`);
    fs.writeFileSync(file, 'archive bytes');
    return { path: file, originalName: 'workflows.tar.gz', size: fs.statSync(file).size };
  }
  const form = (extra: { dependsOn?: string } = {}) => ({ experimentName: 'exp', queue: 'q', entryPoint: 'main', file: upload(), ...extra });
  const stored = () => fs.readdirSync(path.join(dir, 'content')).filter((f) => f.startsWith('dioptra-workflow-'));

  beforeAll(async () => {
    bench = await dioptraServicesOn(provider, { engine, clock });
    ({ database, dir, services: s } = bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('When the engine run cannot be started, then the submission fails and leaves no job and no archive', async () => {
    const before = { jobs: (await s.jobExecution.list(LOCAL_IDENTITY)).length, archives: stored().length };
    engine.failNextStart = true;
    await expect(s.jobSubmission.submit(form(), ALICE)).rejects.toThrow('engine unavailable');
    expect((await s.jobExecution.list(LOCAL_IDENTITY)).length).toBe(before.jobs);
    expect(stored().length).toBe(before.archives);
  });

  it('When a job is submitted, then its run is started for the caller on the queue of the Dioptra queue\'s name, and the queue\'s registrant may run it', async () => {
    const job = await s.jobSubmission.submit(form(), ALICE);
    expect(job.runWorkflowKey).not.toBeNull();
    expect(engine.runs.get(job.runWorkflowKey!)!.spec).toEqual({
      owner: 'dioptra', name: `dioptra-job-${job.jobId}`, user: 'alice', runners: [LOCAL_IDENTITY.user], queue: 'q',
      jobs: [{ name: job.jobId, command: `dioptra-job ${job.jobId}`, after: [] }],
    });
  });

  it('When the run of a waiting job cannot be started as the job it waits for finishes, then the finish is not recorded either, and finishing again records both', async () => {
    const parent = await s.jobSubmission.submit(form(), ALICE);
    const child = await s.jobSubmission.submit(form({ dependsOn: parent.jobId }), ALICE);
    engine.claim('worker-1');
    await s.jobExecution.start(parent.jobId, LOCAL_IDENTITY);
    const read = (jobId: string) => jobRepository(database.db).byId(jobId);

    // The end and the release are one write: a failure (or a crash) between them must not strand the child.
    engine.failNextStart = true;
    await expect(s.jobExecution.finish(parent.jobId, 'finished', LOCAL_IDENTITY)).rejects.toThrow('engine unavailable');
    expect((await read(parent.jobId))!.status).toBe('started');
    expect((await read(child.jobId))!.runWorkflowKey).toBeNull();

    await s.jobExecution.finish(parent.jobId, 'finished', LOCAL_IDENTITY);
    expect((await read(parent.jobId))!.status).toBe('finished');
    expect((await read(child.jobId))!.runWorkflowKey).not.toBeNull();
  });

  it('When several callers release one held-back job at once, then exactly one starts its run', async () => {
    const parent = await s.jobSubmission.submit(form(), ALICE);
    const child = await s.jobSubmission.submit(form({ dependsOn: parent.jobId }), ALICE);
    expect(child.runWorkflowKey).toBeNull();
    const runsBefore = engine.runs.size;
    const runs = jobRuns(database.db, engine);
    const released = await Promise.all([runs.release(child.jobId), runs.release(child.jobId), runTransaction(database.db, (tx) => runs.releaseDependents(tx, parent.jobId)).then(() => false)]);
    expect(released.filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(engine.runs.size).toBe(runsBefore + 1);
    const key = (await jobRepository(database.db).byId(child.jobId))!.runWorkflowKey;
    expect(engine.runs.get(key!)!.spec.name).toBe(`dioptra-job-${child.jobId}`);
  });
});

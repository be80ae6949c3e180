// Submitting a Dioptra job: the form is checked as upstream checks it (any failure is the one generic
// JobSubmissionError), the archive is stored, and the job is recorded `queued` together with its engine run,
// in one transaction. A job that depends on one that has not ended gets its run when that job ends.
import crypto from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { ContentStore } from '../../content/content-store.ts';
import type { Db } from '../../db/client.ts';
import { runTransaction } from '../../db/transaction.ts';
import { failPoint } from '../../fail-points.ts';
import { hasArchiveExtension } from '../archive-names.ts';
import { JobSubmissionError } from '../errors.ts';
import type { Identity } from '../../http/auth.ts';
import { checkUploadSize, type UploadedFile } from '../file-part.ts';
import type { ExperimentRepository } from '../experiments/experiment-repository.ts';
import { slugify } from '../names.ts';
import type { QueueService } from '../queues/queue-service.ts';
import type { Visibility } from '../visibility.ts';
import { newWorkflowKey } from './content-keys.ts';
import { ENDED, jobRepository, type JobRecord } from './job-repository.ts';
import type { JobRuns } from './job-runs.ts';
import { timeoutSeconds } from './job-timeout.ts';
import { secureFilename } from './secure-filename.ts';

export interface JobForm {
  experimentName: string;
  queue: string;
  timeout?: string;
  entryPoint: string;
  entryPointKwargs?: string;
  dependsOn?: string;
  /** The uploaded archive on local disk, or undefined when the form had no file. */
  file?: UploadedFile;
}

export interface JobSubmissionDeps {
  db: Db;
  clock: Clock;
  content: ContentStore;
  experiments: ExperimentRepository;
  queues: QueueService;
  runs: JobRuns;
  /** Largest archive accepted, in bytes. */
  uploadMaxBytes: number;
  /** Which experiments and jobs a submitter may name. */
  seen: Visibility;
}

/** A UUID with or without hyphens, in any case (as Python's `uuid.UUID` reads it). */
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** The canonical form job ids are stored in: lower case with hyphens. */
function canonicalUuid(text: string): string | null {
  if (!UUID.test(text)) return null;
  const hex = text.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An optional text field: sent empty counts as not sent, as upstream. */
const optional = (text: string | undefined): string | null => (text ? text : null);

function check(condition: unknown): asserts condition {
  if (!condition) throw JobSubmissionError();
}

export function jobSubmission({ db, clock, content, experiments, queues, runs, uploadMaxBytes, seen }: JobSubmissionDeps) {
  const jobs = jobRepository(db);

  /** Everything the form names, looked up; throws JobSubmissionError at the first failure. */
  async function checkForm(form: JobForm, caller: Identity) {
    checkUploadSize(form.file, uploadMaxBytes);
    const experimentName = slugify(form.experimentName);
    const queueName = slugify(form.queue);
    check(experimentName && queueName && form.entryPoint.trim());
    const timeout = optional(form.timeout);
    check(timeout === null || timeoutSeconds(timeout) !== null);
    check(form.file && hasArchiveExtension(form.file.originalName));
    const experiment = await experiments.byName(experimentName);
    check(experiment && seen.sees(caller, experiment.createdBy));
    // Upstream refuses a locked queue with the same generic error as an unknown one.
    const queue = await queues.openQueue(queueName);
    check(queue);
    const dependsOnText = optional(form.dependsOn);
    const dependsOn = dependsOnText === null ? null : canonicalUuid(dependsOnText);
    check(dependsOnText === null || dependsOn);
    // Upstream silently drops a dependency it cannot find and runs the job at once; here it is refused.
    if (dependsOn !== null) {
      const parent = await jobs.withNames(dependsOn);
      check(parent && seen.sees(caller, parent.submittedBy, parent.queueCreatedBy));
    }
    return { experiment, queue, timeout, dependsOn, file: form.file };
  }

  return {
    async submit(form: JobForm, caller: Identity): Promise<JobRecord> {
      const { experiment, queue, timeout, dependsOn, file } = await checkForm(form, caller);
      const user = caller.user;
      const jobId = crypto.randomUUID();
      const contentKey = newWorkflowKey();
      const workflowFileName = secureFilename(file.originalName) || 'workflow';
      await content.putFile(contentKey, file.path);
      let job: JobRecord;
      try {
        job = await runTransaction(db, async (tx) => {
          const parent = dependsOn === null ? null : await jobRepository(tx).byId(dependsOn);
          const heldBack = parent !== null && !ENDED.includes(parent.status);
          const runWorkflowKey = heldBack ? null : await runs.start(tx, jobId, user, queue);
          await failPoint('dioptra.job-submission.run-started');
          return jobRepository(tx).create({
            jobId, experimentId: experiment.id, queueId: queue.id, createdOn: new Date(clock.now()), timeout,
            workflowUri: `content://${contentKey}/${workflowFileName}`, workflowFileName, contentKey,
            entryPoint: form.entryPoint, entryPointKwargs: optional(form.entryPointKwargs), dependsOn, submittedBy: user,
            runWorkflowKey,
          });
        });
      } catch (e) {
        await content.remove(contentKey);
        throw e;
      }
      // The parent may have ended after this job was read as held back and before it was committed; its
      // finish then found no dependent to release, so the release happens here (at most once, either way).
      if (job.runWorkflowKey === null && dependsOn !== null) {
        const parent = await jobs.byId(dependsOn);
        if (parent && ENDED.includes(parent.status)) await runs.release(jobId);
      }
      return job;
    },
  };
}

export type JobSubmission = ReturnType<typeof jobSubmission>;

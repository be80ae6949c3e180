// A job in Dioptra's wire shape: upstream's fields only (the run's key, the archive's key and the submitter
// stay inside), dates as ISO-8601 like the other Dioptra records here.
import { isoDate } from '../records.ts';
import type { JobRecord } from './job-repository.ts';

export const toJob = (job: JobRecord) => ({
  jobId: job.jobId,
  mlflowRunId: job.mlflowRunId,
  experimentId: job.experimentId,
  queueId: job.queueId,
  createdOn: isoDate(job.createdOn),
  lastModified: isoDate(job.lastModified),
  timeout: job.timeout,
  workflowUri: job.workflowUri,
  entryPoint: job.entryPoint,
  entryPointKwargs: job.entryPointKwargs,
  dependsOn: job.dependsOn,
  status: job.status,
});

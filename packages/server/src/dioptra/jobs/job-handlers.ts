// Dioptra's job endpoints and the execution extensions workers call: read the validated request (files from
// the multipart parser's temporary files), call a service, reply in upstream's shape. Downloads are streamed
// to the response, which is why those handlers send their own answer.
import { AppError } from '../../errors.ts';
import type { HandlerMap } from '../../http/handler.ts';
import { sendStream } from '../../http/send-stream.ts';
import { filePart } from '../file-part.ts';
import type { JobExecution } from './job-execution.ts';
import type { JobSubmission } from './job-submission.ts';
import { toJob } from './job-view.ts';

/**
 * The reply of a handler that has already written the response itself; dispatch ignores it. The body only
 * has the type the contract gives the operation's content (text, or binary as a Blob).
 */
const SENT = { status: 200 as const, body: '' };
const SENT_BINARY = { status: 200 as const, body: new Blob([]) };

export function jobHandlers({ jobSubmission, jobExecution }: { jobSubmission: JobSubmission; jobExecution: JobExecution }) {
  return {
    dioptra_get_job_resource: async ({ identity }) => ({ status: 200, body: (await jobExecution.list(identity)).map(toJob) }),
    dioptra_post_job_resource: async ({ req, body, identity }) => ({
      status: 200,
      body: toJob(await jobSubmission.submit({
        experimentName: body.experiment_name,
        queue: body.queue,
        timeout: body.timeout,
        entryPoint: body.entry_point,
        entryPointKwargs: body.entry_point_kwargs,
        dependsOn: body.depends_on,
        file: filePart(req, 'workflow'),
      }, identity)),
    }),
    dioptra_get_job_id_resource: async ({ params, identity }) => ({ status: 200, body: toJob(await jobExecution.get(params.jobId, identity)) }),

    dioptra_get_job_log: async ({ params, res, identity }) => {
      const log = await jobExecution.openLog(params.jobId, identity);
      if (!log) {
        res.status(200).type('text/plain; charset=utf-8').send('');
        return SENT;
      }
      await sendStream(res, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(log.size) }, log.stream);
      return SENT;
    },
    dioptra_put_job_log: async ({ req, params, identity }) => {
      const file = filePart(req, 'log');
      if (!file) throw new AppError('INVALID_ARGUMENT', 'Bad Request - The log must be attached as a file part named `log`.');
      return { status: 200, body: { status: 'Success', size: (await jobExecution.putLog(params.jobId, file.path, identity)).size } };
    },
    dioptra_get_job_workflow: async ({ params, res, identity }) => {
      const { size, stream, fileName } = await jobExecution.openWorkflow(params.jobId, identity);
      res.attachment(fileName);
      await sendStream(res, { 'content-type': 'application/octet-stream', 'content-length': String(size) }, stream);
      return SENT_BINARY;
    },
    dioptra_get_job_task_plugins: async ({ params, res, identity }) => {
      const bundle = await jobExecution.taskPlugins(params.jobId, identity);
      res.attachment('task-plugins.tar.gz');
      await sendStream(res, { 'content-type': 'application/gzip' }, bundle);
      return SENT_BINARY;
    },
    dioptra_start_job: async ({ params, identity }) => {
      const started = await jobExecution.start(params.jobId, identity);
      return { status: 200, body: { ...started, job: toJob(started.job) } };
    },
    dioptra_finish_job: async ({ params, body, identity }) => ({ status: 200, body: toJob(await jobExecution.finish(params.jobId, body.status, identity)) }),
  } satisfies HandlerMap;
}

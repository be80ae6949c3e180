// The workflow's scripts follow the jobs' rule: `workflow_startup_script` (run by start),
// `worker_startup_script` and `workflow_completion_script` (run by the worker) are split exactly as a job's
// command is (shlex, nothing expanded, operators passed as arguments), run without a shell, and see the
// workflow's key in their environment.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkflow, unwrap } from '@pipeloom/sdk/node';
import { commandEnvironment, splitCommand } from '../../packages/sdk/src/worker/command-line.ts';
import { runWorker } from '../../packages/sdk/src/worker/worker.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { node, tempDir } from './helpers.ts';

/** Writes what it was given (argv after the script, and the workflow variables) to `<label>.json`. */
const RECORD = `import fs from 'node:fs';
const [label, ...args] = process.argv.slice(2);
fs.writeFileSync(label + '.json', JSON.stringify({ args, workflow: process.env.TORC_WORKFLOW_KEY, pipeloom: process.env.PIPELOOM_WORKFLOW_KEY, job: process.env.TORC_JOB_KEY ?? null }));`;

/** The same tail on every line: a quoted space, a variable, an operator and a comment-looking word. */
const TAIL = `"a b" '$HOME' $USER '>' out.txt c\\ d`;

describe('command-line rule', () => {
  it('When a line has quotes, variables, operators or an invocation script, then it is split once, the same way for every use', () => {
    expect(splitCommand(`run ${TAIL}`)).toEqual(['run', 'a b', '$HOME', '$USER', '>', 'out.txt', 'c d']);
    expect(splitCommand('job.sh --x', 'bash "wrap me.sh"')).toEqual(['bash', 'wrap me.sh', 'job.sh', '--x']);
    const env = commandEnvironment({ workflowKey: '7', jobKey: '9', serverUrl: 'http://h:1' }, { PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', TORC_WORKFLOW_KEY: '7', PIPELOOM_WORKFLOW_KEY: '7', TORC_JOB_KEY: '9', PIPELOOM_JOB_KEY: '9', PIPELOOM_SERVER_URL: 'http://h:1' });
    expect(commandEnvironment({ workflowKey: '7' }, {})).toEqual({ TORC_WORKFLOW_KEY: '7', PIPELOOM_WORKFLOW_KEY: '7' });
  });
});

describe('workflow scripts', () => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => { t = await startTestServer('sqlite'); tmp = tempDir(); });
  afterAll(async () => { await t?.close(); tmp?.remove(); });

  it('When a workflow has all three scripts, then start and the worker run each with the arguments and environment a job command gets', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'record.mjs'), RECORD);
    const line = (label: string) => `${node('record.mjs', label)} ${TAIL}`;
    const w = await unwrap(t.client.POST('/torc-service/workflow_specifications', {
      body: {
        user: 'tester',
        name: 'scripts',
        config: { workflow_startup_script: line('startup'), worker_startup_script: line('worker'), workflow_completion_script: line('completion') },
        jobs: [{ name: 'job', command: line('job') }],
      },
    }));
    const key = w._key!;

    await startWorkflow(t.client, key, { cwd: tmp.dir });
    const summary = await runWorker({ client: t.client, workflowKey: key, resources: { cpus: 1, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'out', pollIntervalMs: 100, log: () => {} });

    expect(summary.counts).toMatchObject({ done: 1 });
    const read = (label: string) => JSON.parse(fs.readFileSync(path.join(tmp.dir, `${label}.json`), 'utf8'));
    const expected = ['a b', '$HOME', '$USER', '>', 'out.txt', 'c d'];
    for (const label of ['startup', 'worker', 'completion']) expect(read(label), label).toEqual({ args: expected, workflow: key, pipeloom: key, job: null });
    expect(read('job')).toEqual({ args: expected, workflow: key, pipeloom: key, job: summary.jobs[0]!.job_key });
  });
});

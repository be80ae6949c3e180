// The entry point's process: bash -c in its own process group, output teed into one log in arrival
// order and into the worker's files, a time limit on an injected clock, stop and kill honoured.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobLog, runShellCommand } from '../../packages/sdk/src/dioptra-run/index.ts';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { liveGroupMembers } from '../plynx-run/helpers.ts';
import { Scratch } from './helpers.ts';

const scratch = new Scratch();
afterEach(() => scratch.cleanUp());

function setUp() {
  const dir = scratch.dir();
  const log = new JobLog(path.join(dir, 'job.log'));
  const files = { stdoutPath: path.join(dir, 'job.o'), stderrPath: path.join(dir, 'job.e') };
  const text = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  return { dir, log, files, text };
}

/** The live members of group `pgid` once they are gone (a killed process takes a moment to become a zombie). */
async function groupAfterKill(pgid: number): Promise<number[]> {
  for (let i = 0; i < 200 && liveGroupMembers(pgid).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return liveGroupMembers(pgid);
}

/** Resolves once `file` holds `marker` (the command reached that point); it waits, it measures nothing. */
async function waitFor(file: string, marker: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(marker)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${file} never showed ${marker}`);
}

describe('running an entry point command', () => {
  it('When the command succeeds, then stdout and stderr are in the log in arrival order and in their own files', async () => {
    const { dir, log, files, text } = setUp();
    // Each write waits for the previous one to be in the log, so the order is the command's, not the pipes'.
    const command = `echo one; while ! grep -q one job.log; do :; done; echo two >&2; while ! grep -q two job.log; do :; done; echo "three $DIOPTRA_RQ_JOB_ID"`;
    const end = await runShellCommand({ command, cwd: dir, env: { ...process.env, DIOPTRA_RQ_JOB_ID: 'j-1' }, log, ...files });
    log.close();
    expect(end).toEqual({ returnCode: 0, status: 'finished', timedOut: false });
    expect(text('job.log')).toBe('one\ntwo\nthree j-1\n[pipeloom] the entry point ended with return code 0\n');
    expect(text('job.o')).toBe('one\nthree j-1\n');
    expect(text('job.e')).toBe('two\n');
  });

  it('When the command exits with a code or dies of a signal, then the run failed with that code or the negative signal', async () => {
    const { dir, log } = setUp();
    expect(await runShellCommand({ command: 'exit 3', cwd: dir, env: process.env, log })).toMatchObject({ returnCode: 3, status: 'failed' });
    expect(await runShellCommand({ command: 'kill -TERM $$', cwd: dir, env: process.env, log })).toMatchObject({ returnCode: -15, status: 'failed' });
    log.close();
  });

  it('When the time limit passes on the clock, then the whole process group is killed and the run failed', async () => {
    const { dir, log, files, text } = setUp();
    const clock = new ManualClock();
    const pidFile = path.join(dir, 'pids');
    const running = runShellCommand({ command: `sleep 300 & echo "started $$" > pids; wait`, cwd: dir, env: process.env, log, ...files, timeoutMs: 90_000, clock });
    await waitFor(pidFile, 'started');
    const pgid = Number(fs.readFileSync(pidFile, 'utf8').split(' ')[1]);
    await clock.advance(89_000);
    expect(liveGroupMembers(pgid).length).toBeGreaterThan(0);
    await clock.advance(1_000);
    const end = await running;
    log.close();
    expect(end).toEqual({ returnCode: -9, status: 'failed', timedOut: true });
    expect(text('job.log')).toContain('[pipeloom] the entry point timed out after 90 s: its process group was killed\n');
    expect(await groupAfterKill(pgid)).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('When the worker stops the job, then the group gets SIGTERM and the run failed, even if the command exits 0', async () => {
    const { dir, log, text } = setUp();
    const stop = new AbortController();
    const running = runShellCommand({ command: `trap 'echo bye; exit 0' TERM; echo ready; while :; do sleep 0.05; done`, cwd: dir, env: process.env, log, stop: stop.signal });
    await waitFor(path.join(dir, 'job.log'), 'ready');
    stop.abort('terminated');
    const end = await running;
    log.close();
    expect(end).toEqual({ returnCode: -15, status: 'failed', timedOut: false, stoppedBy: 'stop' });
    expect(text('job.log')).toContain('[pipeloom] the worker stopped the job: its process group was sent SIGTERM\n');
  });

  it('When the worker kills the job, then the group gets SIGKILL and the run failed', async () => {
    const { dir, log, text } = setUp();
    const kill = new AbortController();
    const running = runShellCommand({ command: `trap '' TERM; echo ready; sleep 300`, cwd: dir, env: process.env, log, kill: kill.signal });
    await waitFor(path.join(dir, 'job.log'), 'ready');
    kill.abort();
    const end = await running;
    log.close();
    expect(end).toEqual({ returnCode: -9, status: 'failed', timedOut: false, stoppedBy: 'kill' });
    expect(text('job.log')).toContain('[pipeloom] the worker killed the job: its process group was sent SIGKILL\n');
  });

  it('When the command leaves a background process behind, then it is killed once the command exits', async () => {
    const { dir, log } = setUp();
    const end = await runShellCommand({ command: `sleep 300 & echo $$ > pgid`, cwd: dir, env: process.env, log });
    log.close();
    expect(end.status).toBe('finished');
    expect(await groupAfterKill(Number(fs.readFileSync(path.join(dir, 'pgid'), 'utf8')))).toEqual([]);
  });
});

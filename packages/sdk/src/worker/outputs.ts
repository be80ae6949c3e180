/**
 * What a job leaves behind: its output files (which must exist after a success, and whose mtimes the
 * server records) and, when asked for, its CPU and memory statistics.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../errors.js';
import type { WorkerContext } from './context.js';
import type { ProcessStats } from './process-runner.js';
import { describeError } from './retry.js';
import type { FileDoc, Job } from './torc-api.js';

/** How often a file's mtime is written again when someone else keeps changing the file meanwhile. */
const MAX_MTIME_ATTEMPTS = 10;

/** Every file the job produces, page by page. */
async function producedFiles(ctx: WorkerContext, jobKey: string): Promise<FileDoc[]> {
  const files: FileDoc[] = [];
  for (let skip = 0; ;) {
    const page = await ctx.api.producedFiles(jobKey, skip);
    files.push(...(page.items ?? []));
    skip += page.count ?? page.items?.length ?? 0;
    if (!page.has_more || !page.items?.length) return files;
  }
}

/** Checks a successful job's outputs and records their mtimes; 1 when one is missing, else 0. */
export async function recordOutputs(ctx: WorkerContext, job: Job, jobKey: string): Promise<number> {
  const files = await producedFiles(ctx, jobKey);
  const stats = files.map((f) => {
    try {
      return fs.statSync(path.resolve(ctx.cwd, f.path));
    } catch {
      return undefined;
    }
  });
  const missing = files.filter((_, i) => !stats[i]);
  if (missing.length) {
    ctx.log('warn', `job ${jobKey} did not produce ${missing.map((f) => f.path).join(', ')}: it failed`);
    return 1;
  }
  for (const [i, file] of files.entries()) {
    const stat = stats[i];
    if (stat) await putMtime(ctx, file, stat.mtimeMs / 1000);
  }
  return 0;
}

/** PUTs a file's new st_mtime; a 409 means someone else wrote it meanwhile, so read it again and retry. */
async function putMtime(ctx: WorkerContext, file: FileDoc, mtime: number): Promise<void> {
  const fileKey = file._key;
  if (!fileKey) return;
  let current = file;
  for (let attempt = 0; attempt < MAX_MTIME_ATTEMPTS; attempt++) {
    try {
      await ctx.api.putFile(fileKey, { _key: current._key, _rev: current._rev, name: current.name, path: current.path, st_mtime: mtime });
      return;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
      current = await ctx.api.readFile(fileKey);
    }
  }
  ctx.log('warn', `could not record the mtime of ${file.path}: it kept changing`);
}

/** Records a job's process statistics and, as Torc does, a `process_used` edge from the job to them. */
export async function recordProcessStats(ctx: WorkerContext, job: Job, jobKey: string, s: ProcessStats): Promise<void> {
  if (s.numSamples === 0) return; // ended before the first sample: nothing worth recording
  try {
    const stored = await ctx.api.addProcessStats({
      job_key: jobKey, run_id: ctx.runId, avg_cpu_percent: s.avgCpuPercent, max_cpu_percent: s.maxCpuPercent,
      avg_rss: s.avgRss, max_rss: s.maxRss, num_samples: s.numSamples, timestamp: new Date(ctx.clock.now()).toISOString(),
    });
    if (job._id && stored._id) await ctx.api.addEdge('process_used', { _from: job._id, _to: stored._id });
  } catch (e) {
    ctx.log('warn', `the process stats of job ${jobKey} were not recorded (${describeError(e)})`);
  }
}

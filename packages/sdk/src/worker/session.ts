/**
 * The worker's arrival and departure: checking the workflow, registering the compute node, the worker
 * events, the workflow's scripts, and marking the node inactive on the way out.
 * @module
 */
import fs from 'node:fs';
import { ApiError } from '../errors.js';
import { commandEnvironment, splitCommand } from './command-line.js';
import type { WorkerContext } from './context.js';
import { JobProcess } from './process-runner.js';
import { formatDuration, type WorkerResources } from './resources.js';
import { describeError, type RetryPolicy } from './retry.js';
import type { WorkflowConfig } from './torc-api.js';

/** How long the worker keeps retrying while the server is out of reach, unless the workflow says otherwise. */
const DEFAULT_HEALTHY_WAIT_MINUTES = 20;
/** Longest grace a job that supports termination gets between SIGTERM and SIGKILL. */
const MAX_GRACE_SECONDS = 30;

export interface Arrival {
  hostname: string;
  pid: number;
  startedAt: number;
  resources: WorkerResources;
  timeLimitSeconds?: number;
  giveUp: () => boolean;
}

/**
 * Checks that the workflow was started, reads its config (which sets the retry deadline and the grace
 * period) and registers this worker's compute node.
 */
export async function arrive(ctx: WorkerContext, a: Arrival): Promise<void> {
  const { api } = ctx;
  const policy = { giveUp: a.giveUp };
  await api.ping(policy);
  const status = await api.status(policy);
  if (!(status.run_id > 0)) throw new Error(`workflow ${ctx.workflowKey} has not been started (its run_id is ${status.run_id}); start it before running workers`);
  ctx.runId = status.run_id;
  applyConfig(ctx, await api.config(policy), a.timeLimitSeconds);
  fs.mkdirSync(ctx.stdioDir, { recursive: true });
  const r = a.resources;
  const node = await api.registerNode({
    hostname: a.hostname,
    pid: a.pid,
    start_time: new Date(a.startedAt).toISOString(),
    is_active: true,
    resources: { num_cpus: r.cpus, memory_gb: r.memoryGb, num_gpus: r.gpus, num_nodes: 1, time_limit: a.timeLimitSeconds === undefined ? null : formatDuration(a.timeLimitSeconds), scheduler_config_id: '' },
    scheduler: {},
  }, policy);
  if (!node._key || !node._id) throw new Error('the server registered the compute node without a _key or _id');
  ctx.node = { key: node._key, id: node._id };
}

/** Takes in the workflow's config: it sets the retry deadline of every call and the grace period of jobs. */
export function applyConfig(ctx: WorkerContext, config: WorkflowConfig, timeLimitSeconds: number | undefined): void {
  ctx.config = config;
  // How long every call keeps retrying while the server is out of reach (at least a minute).
  ctx.api.deadlineMs = Math.max(1, config.compute_node_wait_for_healthy_database_minutes ?? DEFAULT_HEALTHY_WAIT_MINUTES) * 60_000;
  const buffer = config.compute_node_expiration_buffer_seconds ?? 120;
  ctx.graceMs = Math.max(0, Math.min(buffer, MAX_GRACE_SECONDS)) * 1000;
  if (timeLimitSeconds !== undefined) ctx.graceMs = Math.min(ctx.graceMs, (timeLimitSeconds * 1000) / 4);
}

/** Posts a worker event; an event that cannot be posted is not worth failing for. */
export async function workerEvent(ctx: WorkerContext, hostname: string, type: 'start' | 'stop', message: string): Promise<void> {
  try {
    await ctx.api.addEvent({ category: 'worker', type, node_name: hostname, compute_node_key: ctx.node.key, message }, { deadlineMs: Math.min(ctx.api.deadlineMs, 60_000) });
  } catch (e) {
    ctx.log('warn', `the worker ${type} event was not recorded (${describeError(e)})`);
  }
}

/**
 * Runs a worker or workflow script by the same rule as a job's command (see command-line.ts), its
 * output next to the jobs'. A script that fails is logged, not fatal.
 */
export async function runWorkflowScript(ctx: WorkerContext, name: string, command: string): Promise<void> {
  ctx.log('info', `running the ${name}: ${command}`);
  try {
    const args = splitCommand(command, undefined, (op) => ctx.log('warn', `the ${name} runs without a shell, so "${op}" is passed to the program as an argument`));
    const proc = new JobProcess({
      args,
      cwd: ctx.cwd,
      env: commandEnvironment({ workflowKey: ctx.workflowKey, serverUrl: ctx.serverUrl }),
      ...ctx.stdio(`${name}_${ctx.workflowKey}_${ctx.runId}`),
    });
    const exit = await proc.exited;
    ctx.log(exit.returnCode === 0 ? 'info' : 'warn', `the ${name} exited with ${exit.returnCode}`);
  } catch (e) {
    ctx.log('error', `the ${name} could not be run: ${describeError(e)}`);
  }
}

/** Marks the compute node inactive with how long it served; a concurrent change (409) is read and retried. */
export async function markInactive(ctx: WorkerContext, durationSeconds: number): Promise<void> {
  const policy: Pick<RetryPolicy, 'deadlineMs'> = { deadlineMs: 60_000 };
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { _oldRev: _, ...current } = await ctx.api.readComputeNode(ctx.node.key, policy);
      try {
        await ctx.api.putComputeNode(ctx.node.key, { ...current, is_active: false, duration_seconds: durationSeconds }, { giveUp: () => true });
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409)) throw e;
      }
    }
  } catch (e) {
    ctx.log('warn', `the compute node was not marked inactive (${describeError(e)})`);
  }
}

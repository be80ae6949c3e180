/**
 * Resources a worker offers and jobs take, and the ISO 8601 durations Torc uses for time limits.
 * @module
 */
import os from 'node:os';
import type { components } from '../generated/schema.js';

type Job = components['schemas']['job_model'];

/** What a worker offers. Memory is in GiB, as Torc's `memory_gb`. */
export interface WorkerResources {
  cpus: number;
  memoryGb: number;
  gpus: number;
}

const GIB = 1024 ** 3;

/**
 * This machine's resources: `os.availableParallelism()` CPUs, the total RAM in GiB, and no GPUs (GPUs
 * are not detected; pass them explicitly).
 *
 * @example
 * ```ts
 * import { detectResources } from '@pipeloom/sdk/node';
 * console.log(detectResources()); // { cpus: 8, memoryGb: 15.5, gpus: 0 }
 * ```
 */
export function detectResources(): WorkerResources {
  return { cpus: os.availableParallelism(), memoryGb: Math.floor((os.totalmem() / GIB) * 100) / 100, gpus: 0 };
}

/** The resources a worker offers: the ones given, the machine's own for the rest. */
export function workerResources(given: Partial<WorkerResources> = {}): WorkerResources {
  const detected = detectResources();
  return { cpus: given.cpus ?? detected.cpus, memoryGb: given.memoryGb ?? detected.memoryGb, gpus: given.gpus ?? detected.gpus };
}

const DURATION = /^P(?!$)(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Seconds in an ISO 8601 duration of days, hours, minutes and seconds (`P0DT1H30M`, `PT45S`), the form
 * Torc uses for runtimes and time limits. Years, months and weeks are refused.
 *
 * @example
 * ```ts
 * import { parseDurationSeconds } from '@pipeloom/sdk/node';
 * parseDurationSeconds('P0DT1H30M'); // 5400
 * ```
 */
export function parseDurationSeconds(text: string): number {
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m) throw new Error(`"${text}" is not an ISO 8601 duration of days, hours, minutes and seconds (e.g. P0DT1H30M)`);
  const [d, h, min, s] = m.slice(1).map((v) => (v ? Number(v) : 0)) as [number, number, number, number];
  return d * 86_400 + h * 3_600 + min * 60 + s;
}

/**
 * An ISO 8601 duration for whole seconds, in the `P0DT1H2M3S` form the contract's pattern accepts.
 *
 * @example
 * ```ts
 * formatDuration(3_725); // 'P0DT1H2M5S'
 * ```
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3_600);
  rest -= h * 3_600;
  const m = Math.floor(rest / 60);
  return `P${d}DT${h}H${m}M${rest - m * 60}S`;
}

/** What one job takes from the worker while it runs (its `internal` requirements). */
export interface JobNeeds {
  cpus: number;
  gpus: number;
  memoryBytes: number;
  /** Seconds the job may run, or undefined for no limit. */
  runtimeSeconds?: number;
}

export function jobNeeds(job: Job): JobNeeds {
  const i = job.internal ?? {};
  return {
    cpus: i.num_cpus ?? 1,
    gpus: i.num_gpus ?? 0,
    memoryBytes: i.memory_bytes ?? 0,
    runtimeSeconds: i.runtime_seconds && i.runtime_seconds > 0 ? i.runtime_seconds : undefined,
  };
}

/** The worker's pool: what is free right now, and what each running job holds. */
export class ResourcePool {
  private cpus: number;
  private gpus: number;
  private memoryBytes: number;

  constructor(readonly total: WorkerResources) {
    this.cpus = total.cpus;
    this.gpus = total.gpus;
    this.memoryBytes = total.memoryGb * GIB;
  }

  take(needs: JobNeeds): void {
    this.cpus -= needs.cpus;
    this.gpus -= needs.gpus;
    this.memoryBytes -= needs.memoryBytes;
  }

  give(needs: JobNeeds): void {
    this.cpus += needs.cpus;
    this.gpus += needs.gpus;
    this.memoryBytes += needs.memoryBytes;
  }

  /** Whether a claim could hand out anything: the server stops packing at zero CPUs or zero memory. */
  get hasRoom(): boolean {
    return this.cpus > 0 && this.memoryBytes > 0;
  }

  /** The free resources in the shape of the contract's `compute_nodes_resources`. */
  free(timeLimitSeconds: number | undefined): components['schemas']['compute_nodes_resources'] {
    return {
      num_cpus: Math.max(0, Math.floor(this.cpus)),
      memory_gb: Math.max(0, this.memoryBytes / GIB),
      num_gpus: Math.max(0, Math.floor(this.gpus)),
      num_nodes: 1,
      time_limit: timeLimitSeconds === undefined ? null : formatDuration(timeLimitSeconds),
      scheduler_config_id: '',
    };
  }
}

// Torc's resource formats: memory as bytes or `<n><k|m|g|t>` (powers of 1024), runtime as an ISO 8601
// duration of days, hours, minutes and seconds (semantics.md §1).
import { AppError } from '../errors.ts';

const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function memoryBytes(memory: string, what = 'memory'): number {
  const bytes = /^\s*(\d+)\s*$/.exec(memory);
  if (bytes) return Number(bytes[1]);
  const scaled = /^\s*(\d+)\s*([kmgtKMGT])\s*$/.exec(memory);
  if (scaled) return Number(scaled[1]) * UNITS[scaled[2]!.toLowerCase()]!;
  throw new AppError('INVALID_ARGUMENT', `${what} ${JSON.stringify(memory)} is not a size such as 500m, 2g or 1048576`);
}

export function durationSeconds(duration: string, what = 'runtime'): number {
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration.trim());
  if (!m || duration.trim() === 'P' || duration.trim().endsWith('T')) {
    throw new AppError('INVALID_ARGUMENT', `${what} ${JSON.stringify(duration)} is not an ISO 8601 duration of days, hours, minutes and seconds such as P0DT1H30M`);
  }
  const [, d = '0', h = '0', min = '0', s = '0'] = m;
  return Number(d) * 86_400 + Number(h) * 3_600 + Number(min) * 60 + Number(s);
}

/** Seconds as Torc writes durations: `P0DT1H2M3S`. */
export function isoDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `P${d}DT${h}H${m}M${s}S`;
}

/** The resources of a job without resource requirements. */
export const DEFAULT_RESOURCES = { num_cpus: 1, num_gpus: 0, num_nodes: 1, memory: '1m', runtime: 'P0DT1M' } as const;

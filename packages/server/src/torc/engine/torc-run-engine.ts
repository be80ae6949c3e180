// The run engine (engine/run-engine.ts) on Torc's lifecycle. Being written in branch wt-engine.
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/client.ts';
import type { RunEngine } from '../../engine/run-engine.ts';

export function createRunEngine(_database: Database, _clock: Clock): RunEngine {
  const pending = () => { throw new Error('createRunEngine: not written yet'); };
  return { startRun: pending, runState: pending, isClaimed: pending, cancelRun: pending, workers: pending };
}

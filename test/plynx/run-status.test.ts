// PLynx statuses derived from the engine's job states and the workers' reports.
import { describe, expect, it } from 'vitest';
import type { RunJobState, RunJobStatus } from '../../packages/server/src/engine/run-engine.ts';
import { graphStatus, nodeStatus } from '../../packages/server/src/plynx/runs/run-status.ts';
import type { RunNodeRecord, RunNodeState } from '../../packages/server/src/plynx/runs/run-repository.ts';

const job = (status: RunJobStatus, returnCode: number | null = null): RunJobState => ({ name: 'n', status, returnCode, computeNodeKey: null });
const report = (state: RunNodeState): RunNodeRecord => ({ nodeId: 'n', state, outputs: {}, logs: {}, cacheUrl: '' });

describe('nodeStatus', () => {
  it.each([
    ['uninitialized', 'CREATED'], ['blocked', 'CREATED'],
    ['ready', 'IN_QUEUE'], ['scheduled', 'IN_QUEUE'], ['submitted_pending', 'IN_QUEUE'],
    ['submitted', 'RUNNING'], ['terminated', 'FAILED'], ['canceled', 'CANCELED'],
  ] as const)('shows a %s job as %s', (status, expected) => {
    expect(nodeStatus(job(status), undefined)).toBe(expected);
  });

  it('shows a done job as SUCCESS, RESTORED when the worker restored it, and FAILED with a non-zero return code', () => {
    expect(nodeStatus(job('done', 0), report('SUCCESS'))).toBe('SUCCESS');
    expect(nodeStatus(job('done', 0), report('RESTORED'))).toBe('RESTORED');
    expect(nodeStatus(job('done', 2), report('SUCCESS'))).toBe('FAILED');
    expect(nodeStatus(job('done', 0), report('FAILED'))).toBe('FAILED');
  });
});

describe('graphStatus', () => {
  it('is CANCELED once the run is canceled, whatever the nodes say', () => {
    expect(graphStatus(true, ['SUCCESS', 'RUNNING'])).toBe('CANCELED');
  });

  it('waits as FAILED_WAITING while a failed graph still has nodes running or queued, then is FAILED', () => {
    expect(graphStatus(false, ['FAILED', 'CANCELED', 'RUNNING'])).toBe('FAILED_WAITING');
    expect(graphStatus(false, ['FAILED', 'IN_QUEUE'])).toBe('FAILED_WAITING');
    expect(graphStatus(false, ['FAILED', 'CANCELED', 'SUCCESS'])).toBe('FAILED');
    expect(graphStatus(false, ['FAILED', 'CREATED'])).toBe('FAILED_WAITING');
  });

  it('is FAILED when a node was stopped by its worker and nothing is left to run, though nobody canceled the graph', () => {
    expect(graphStatus(false, ['SUCCESS', 'CANCELED', 'CANCELED'])).toBe('FAILED');
    expect(graphStatus(false, ['CANCELED', 'RUNNING'])).toBe('RUNNING');
  });

  it('is SUCCESS when every operation succeeded or was restored, and RUNNING before', () => {
    expect(graphStatus(false, ['SUCCESS', 'RESTORED'])).toBe('SUCCESS');
    expect(graphStatus(false, ['SUCCESS', 'IN_QUEUE', 'CREATED'])).toBe('RUNNING');
  });
});

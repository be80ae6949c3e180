// Fail points are a crash-test hook: inert unless PIPELOOM_FAIL_POINT names them, and a misspelt name stops
// the server at start rather than leaving a crash test waiting for a line that never comes.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../packages/server/src/env.ts';
import { armedFailPoints, failPoint, FAIL_POINTS } from '../../packages/server/src/fail-points.ts';
import { startServer } from '../../packages/server/src/index.ts';

describe('Fail points', () => {
  it('When PIPELOOM_FAIL_POINT is unset or empty, then none is armed and reaching one returns at once', async () => {
    expect(armedFailPoints({})).toEqual(new Set());
    expect(armedFailPoints({ PIPELOOM_FAIL_POINT: ' ' })).toEqual(new Set());
    for (const name of FAIL_POINTS) await failPoint(name);
  });

  it('When PIPELOOM_FAIL_POINT names fail points, then exactly those are armed', () => {
    expect(armedFailPoints({ PIPELOOM_FAIL_POINT: 'torc.bulk-jobs.jobs-inserted, plynx.graph-save.written' }))
      .toEqual(new Set(['torc.bulk-jobs.jobs-inserted', 'plynx.graph-save.written']));
  });

  it('When PIPELOOM_FAIL_POINT names an unknown fail point, then the server refuses to start with a ConfigError', async () => {
    expect(() => armedFailPoints({ PIPELOOM_FAIL_POINT: 'torc.nothing' })).toThrow(ConfigError);
    process.env.PIPELOOM_FAIL_POINT = 'torc.nothing';
    try {
      await expect(startServer({ port: 0, host: '127.0.0.1', databaseUrl: 'file::memory:', logLevel: 'silent' })).rejects.toThrow(ConfigError);
    } finally {
      delete process.env.PIPELOOM_FAIL_POINT;
    }
  });
});

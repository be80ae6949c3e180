// What a completed job does to the jobs it blocks (semantics.md §3), on an in-memory graph.
import { describe, expect, it } from 'vitest';
import { releaseDownstream, type DownstreamGraph } from '../../packages/server/src/torc/lifecycle/downstream.ts';
import type { JobRow, JobStatus } from '../../packages/server/src/torc/lifecycle/job-wire.ts';

const COMPLETE: JobStatus[] = ['done', 'canceled', 'terminated'];

/** Jobs by name with a status, and `blocks` edges as [blocker, blocked] pairs. */
function graph(statuses: Record<string, JobStatus>, edges: [string, string][], tolerant: string[] = []) {
  const names = Object.keys(statuses);
  const id = (name: string) => names.indexOf(name) + 1;
  const rows = new Map<number, JobRow>(names.map((name) => [id(name), {
    id: id(name), rev: 1, workflowId: 1, name, command: 'true', invocation_script: null, status: statuses[name]!,
    cancel_on_blocking_job_failure: !tolerant.includes(name), supports_termination: false, schedule_compute_nodes: null,
    internal_memory_bytes: 0, internal_num_cpus: 1, internal_num_gpus: 0, internal_num_nodes: 1, internal_runtime_seconds: 60,
    internal_scheduler_config_id: '', internal_hash: 0,
  }]));
  const blocks = edges.map(([from, to]) => ({ from_id: id(from), to_id: id(to) }));
  const fake: DownstreamGraph = {
    blockEdgesFrom: async (ids) => blocks.filter((e) => ids.includes(e.from_id)),
    jobsByIds: async (_w, ids) => ids.flatMap((i) => (rows.has(i) ? [{ ...rows.get(i)! }] : [])),
    openBlockerCounts: async (ids) => new Map(ids.map((i) => [i, blocks.filter((e) => e.to_id === i && !COMPLETE.includes(rows.get(e.from_id)!.status)).length])),
    releaseChildren: async (_w, ids) => {
      const open = (i: number) => blocks.some((e) => e.to_id === i && !COMPLETE.includes(rows.get(e.from_id)!.status));
      for (const i of new Set(blocks.filter((e) => ids.includes(e.from_id)).map((e) => e.to_id))) {
        const row = rows.get(i)!;
        if (row.status === 'blocked' && !open(i)) row.status = 'ready';
      }
    },
    readyBlockersOf: async (ids) => [...new Set(blocks.filter((e) => ids.includes(e.to_id) && rows.get(e.from_id)!.status === 'ready').map((e) => e.from_id))],
    setStatus: async (_w, ids, status, onlyFrom) => ids.flatMap((i) => {
      const row = rows.get(i)!;
      if (onlyFrom && !onlyFrom.includes(row.status)) return [];
      row.status = status;
      return [{ ...row }];
    }),
  };
  const state = () => Object.fromEntries([...rows.values()].map((r) => [r.name, r.status]));
  return { fake, id, state };
}

describe('releaseDownstream', () => {
  it('When a job fails, then its child is canceled, the child\'s ready blockers are canceled, and claimed or running ones are not', async () => {
    const g = graph({ bad: 'done', idle: 'ready', pending: 'submitted_pending', running: 'submitted', child: 'blocked' },
      [['bad', 'child'], ['idle', 'child'], ['pending', 'child'], ['running', 'child']]);
    await releaseDownstream(g.fake, 1, [{ id: g.id('bad'), failed: true }]);
    expect(g.state()).toEqual({ bad: 'done', idle: 'canceled', pending: 'submitted_pending', running: 'submitted', child: 'canceled' });
  });

  it('When a ready blocker is canceled that way, then its own blocked children are canceled too, down the graph', async () => {
    const g = graph({ bad: 'done', idle: 'ready', child: 'blocked', other: 'blocked', grandchild: 'blocked' },
      [['bad', 'child'], ['idle', 'child'], ['idle', 'other'], ['other', 'grandchild']]);
    await releaseDownstream(g.fake, 1, [{ id: g.id('bad'), failed: true }]);
    expect(g.state()).toEqual({ bad: 'done', idle: 'canceled', child: 'canceled', other: 'canceled', grandchild: 'canceled' });
  });

  it('When the failed job\'s child tolerates failures, then nothing is canceled and it becomes ready once its blockers complete', async () => {
    const g = graph({ bad: 'done', idle: 'ready', child: 'blocked' }, [['bad', 'child'], ['idle', 'child']], ['child']);
    await releaseDownstream(g.fake, 1, [{ id: g.id('bad'), failed: true }]);
    expect(g.state()).toEqual({ bad: 'done', idle: 'ready', child: 'blocked' });
  });

  it('When a job succeeds, then a child whose blockers are all complete becomes ready and the others stay blocked', async () => {
    const g = graph({ ok: 'done', done: 'done', idle: 'ready', free: 'blocked', waiting: 'blocked' },
      [['ok', 'free'], ['done', 'free'], ['ok', 'waiting'], ['idle', 'waiting']]);
    await releaseDownstream(g.fake, 1, [{ id: g.id('ok'), failed: false }]);
    expect(g.state()).toEqual({ ok: 'done', done: 'done', idle: 'ready', free: 'ready', waiting: 'blocked' });
  });
});

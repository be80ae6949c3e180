// A database created by the previous main (every migration up to worker_leases) holds rows in every Torc
// table; the torc_namespaced_tables migration renames tables and columns in place, and every row, id, value,
// relation and autoincrement counter must come through under the new names, on both providers.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateDatabase, readMigrations, sqlitePath } from '../../packages/server/src/db/migrate.ts';
import { createTestDatabase, PROVIDERS, type Provider, type TestDatabase } from '../helpers/server.ts';

const BEFORE = '20261122145256_worker_leases';
const RENAME = 'torc_namespaced_tables';

/** Old table -> new table, and the columns whose names changed (every other column keeps its name). */
const RENAMES: Record<string, { table: string; columns: Record<string, string> }> = {
  Workflow: { table: 'torc_workflow', columns: { user: 'user_name', isArchived: 'is_archived' } },
  WorkflowConfig: {
    table: 'torc_workflow_config',
    columns: {
      workflowId: 'workflow_id', workflowStartupScript: 'workflow_startup_script', workflowCompletionScript: 'workflow_completion_script',
      workerStartupScript: 'worker_startup_script', computeNodeResourceStats: 'compute_node_resource_stats',
      computeNodeExpirationBufferSeconds: 'compute_node_expiration_buffer_seconds', computeNodeWaitForNewJobsSeconds: 'compute_node_wait_for_new_jobs_seconds',
      computeNodeIgnoreWorkflowCompletion: 'compute_node_ignore_workflow_completion',
      computeNodeWaitForHealthyDatabaseMinutes: 'compute_node_wait_for_healthy_database_minutes', prepareJobsSortMethod: 'prepare_jobs_sort_method',
    },
  },
  WorkflowStatus: {
    table: 'torc_workflow_status',
    columns: {
      workflowId: 'workflow_id', runId: 'run_id', isCanceled: 'is_canceled', autoTuneStatus: 'auto_tune_status',
      hasDetectedNeedToRunCompletionScript: 'has_detected_need_to_run_completion_script', scheduledComputeNodeIds: 'scheduled_compute_node_ids',
    },
  },
  Job: { table: 'torc_job', columns: { workflowId: 'workflow_id' } },
  File: { table: 'torc_file', columns: { workflowId: 'workflow_id' } },
  UserData: { table: 'torc_user_data', columns: { workflowId: 'workflow_id' } },
  ResourceRequirements: { table: 'torc_resource_requirements', columns: { workflowId: 'workflow_id' } },
  Result: { table: 'torc_result', columns: { workflowId: 'workflow_id' } },
  Event: { table: 'torc_event', columns: { workflowId: 'workflow_id' } },
  ComputeNode: { table: 'torc_compute_node', columns: { workflowId: 'workflow_id' } },
  ComputeNodeStats: { table: 'torc_compute_node_stats', columns: { workflowId: 'workflow_id' } },
  JobProcessStats: { table: 'torc_job_process_stats', columns: { workflowId: 'workflow_id' } },
  AwsScheduler: { table: 'torc_aws_scheduler', columns: { workflowId: 'workflow_id' } },
  LocalScheduler: { table: 'torc_local_scheduler', columns: { workflowId: 'workflow_id' } },
  SlurmScheduler: { table: 'torc_slurm_scheduler', columns: { workflowId: 'workflow_id' } },
  ScheduledComputeNode: { table: 'torc_scheduled_compute_node', columns: { workflowId: 'workflow_id' } },
  Edge: { table: 'torc_edge', columns: { workflowId: 'workflow_id' } },
};

type Row = Record<string, unknown>;

/** Rows for one workflow, every column set to a value other than its default (JSON given as text). */
function workflowRows(n: number): Array<[string, Row]> {
  const json = (v: unknown) => JSON.stringify(v);
  return [
    ['WorkflowConfig', {
      workflowStartupScript: `start-${n}.sh`, workflowCompletionScript: `done-${n}.sh`, workerStartupScript: `worker-${n}.sh`,
      computeNodeResourceStats: json({ cpu: true, memory: n }), computeNodeExpirationBufferSeconds: 30 + n, computeNodeWaitForNewJobsSeconds: 5,
      computeNodeIgnoreWorkflowCompletion: true, computeNodeWaitForHealthyDatabaseMinutes: 7, prepareJobsSortMethod: 'none',
    }],
    ['WorkflowStatus', {
      runId: 3 + n, isCanceled: true, autoTuneStatus: json({ job_keys: ['1', '2'] }), hasDetectedNeedToRunCompletionScript: true,
      scheduledComputeNodeIds: json([n, n + 1]),
    }],
    ['Job', {
      name: `job-${n}`, command: `echo ${n}`, invocation_script: 'bash -c', status: 'done', cancel_on_blocking_job_failure: false,
      supports_termination: true, schedule_compute_nodes: json({ num_jobs: 2 }), internal_memory_bytes: 2.5e9, internal_num_cpus: 4,
      internal_num_gpus: 1, internal_num_nodes: 2, internal_runtime_seconds: 90.5, internal_scheduler_config_id: 'slurm/1',
      internal_hash: 12345.5, claimed_at: 1_700_000_000_000 + n,
    }],
    ['File', { name: `in-${n}`, path: `/data/in-${n}.txt`, st_mtime: 1_700_000_000.25 }],
    ['UserData', { name: `ud-${n}`, is_ephemeral: true, data: json({ key: "it's", list: [1, 2] }) }],
    ['ResourceRequirements', { name: `rr-${n}`, num_cpus: 8, num_gpus: 2, num_nodes: 3, memory: '16g', runtime: 'P0DT2H' }],
    ['Result', { job_key: String(n), run_id: 2, return_code: 1, exec_time_minutes: 1.5, completion_time: '2026-01-01T00:00:00Z', status: 'done' }],
    ['Event', { category: 'job', type: 'start', message: `event ${n}`, timestamp: 1_700_000_000_123 + n, extra: json({ node: 'n1' }) }],
    ['ComputeNode', {
      hostname: `host-${n}`, pid: 4242, start_time: '2026-01-01T00:00:00Z', duration_seconds: 12.5, is_active: false,
      resources: json({ num_cpus: 4 }), scheduler: json({ name: 'local' }), last_seen: 1_700_000_000_999,
    }],
    ['ComputeNodeStats', { hostname: `host-${n}`, stats: json([{ cpu: 50 }]), timestamp: '2026-01-01T00:00:01Z' }],
    ['JobProcessStats', {
      job_key: String(n), run_id: 1, avg_cpu_percent: 12.5, max_cpu_percent: 99.5, avg_rss: 1024.5, max_rss: 2048.5, num_samples: 10,
      timestamp: '2026-01-01T00:00:02Z',
    }],
    ['AwsScheduler', { name: `aws-${n}` }],
    ['LocalScheduler', { name: `local-${n}`, memory: '8g', num_cpus: 6 }],
    ['SlurmScheduler', {
      name: `slurm-${n}`, account: 'acct', nodes: 2, walltime: '04:00:00', partition: 'debug', qos: 'high', gres: 'gpu:2', mem: '64G',
      tmp: '100G', ntasks_per_node: 4, extra: '--exclusive',
    }],
    ['ScheduledComputeNode', { scheduler_id: '777', scheduler_config_id: `slurm/${n}`, status: 'pending' }],
  ];
}

/** A connection to the test database with `?` placeholders on both providers. */
interface Conn {
  all(sql: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

async function connect(provider: Provider, url: string): Promise<Conn> {
  if (provider === 'sqlite') {
    const db = new Database(sqlitePath(url));
    db.pragma('foreign_keys = ON');
    const bind = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
    return {
      all: async (sql, values = []) => {
        const st = db.prepare(sql);
        return st.reader ? (st.all(...values.map(bind)) as Row[]) : (st.run(...values.map(bind)), []);
      },
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    all: async (sql, values = []) => {
      let i = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++i}`), values)).rows;
    },
    close: () => client.end(),
  };
}

async function insert(conn: Conn, table: string, row: Row): Promise<number> {
  const cols = Object.keys(row);
  const [r] = await conn.all(
    `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) RETURNING id`,
    cols.map((c) => row[c]),
  );
  return Number(r!.id);
}

/** Fills every table of the previous schema: two workflows, each with one row per table and edges between them. */
async function seed(conn: Conn): Promise<void> {
  for (const n of [1, 2]) {
    const workflowId = await insert(conn, 'Workflow', {
      rev: 4, name: `wf-${n}`, user: `user-${n}`, description: `workflow ${n}`, timestamp: '2026-01-01T00:00:00Z', isArchived: n === 2,
    });
    const ids: Record<string, number> = {};
    for (const [table, row] of workflowRows(n)) ids[table] = await insert(conn, table, { rev: 2, workflowId, ...row });
    const edges: Array<[string, string, number, string, number]> = [
      ['needs', 'jobs', ids.Job!, 'files', ids.File!],
      ['consumes', 'jobs', ids.Job!, 'user_data', ids.UserData!],
      ['requires', 'jobs', ids.Job!, 'resource_requirements', ids.ResourceRequirements!],
      ['returned', 'jobs', ids.Job!, 'results', ids.Result!],
    ];
    for (const [name, fromCollection, fromId, toCollection, toId] of edges) {
      await insert(conn, 'Edge', {
        rev: 3, workflowId, name, from_collection: fromCollection, from_id: fromId, to_collection: toCollection, to_id: toId,
        data: JSON.stringify({ via: name }),
      });
    }
  }
}

const dump = async (conn: Conn, table: string) => conn.all(`SELECT * FROM "${table}" ORDER BY id`);

// Columns that later migrations add to renamed tables, with the value old rows get.
const ADDED_LATER: Record<string, Row> = { torc_workflow: { queue: null, owned_by: null, creator: null } };

/** The rows of an old table as they should read under the new names (and with later columns). */
function renamed(table: string, rows: Row[]): Row[] {
  const { columns, table: next } = RENAMES[table]!;
  return rows.map((r) => ({ ...Object.fromEntries(Object.entries(r).map(([k, v]) => [columns[k] ?? k, v])), ...ADDED_LATER[next] }));
}

describe.each(PROVIDERS)('Torc namespace migration on %s', (provider) => {
  let database: TestDatabase | undefined;
  let conn: Conn | undefined;
  afterEach(async () => {
    await conn?.close();
    await database?.drop();
    conn = database = undefined;
  });

  it('When a database made by the previous main is migrated, then every row of every table is kept under the new names', async () => {
    // Arrange: the previous main's schema, every table filled.
    const rename = readMigrations(provider).find((m) => m.name.endsWith(`_${RENAME}`))!.name;
    database = await createTestDatabase(provider);
    expect((await migrateDatabase(database.url, { upTo: BEFORE })).at(-1)).toBe(BEFORE);
    conn = await connect(provider, database.url);
    await seed(conn);
    const before: Record<string, Row[]> = {};
    for (const table of Object.keys(RENAMES)) {
      before[table] = await dump(conn, table);
      expect(before[table]!.length, table).toBeGreaterThan(0);
    }
    await conn.close();
    conn = undefined;

    // Act
    expect(await migrateDatabase(database.url)).toContain(rename);

    // Assert: same rows, same values, new names; the old tables are gone.
    conn = await connect(provider, database.url);
    for (const [table, { table: next }] of Object.entries(RENAMES)) {
      expect(await dump(conn, next), `${table} -> ${next}`).toEqual(renamed(table, before[table]!));
      await expect(conn.all(`SELECT 1 FROM "${table}"`)).rejects.toThrow();
    }
    // No index, key, constraint or sequence keeps an old name (Prisma derives them from the new names); later
    // migrations add other namespaces (the shared identity_ store, plynx_), which are new names too.
    const names = provider === 'sqlite'
      ? await conn.all(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'`)
      : await conn.all(`SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'i', 'S') AND relname <> '_prisma_migrations' AND relname <> '_prisma_migrations_pkey'
                        UNION ALL SELECT conname AS name FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conname NOT LIKE '_prisma%'`);
    expect(names.length).toBeGreaterThan(20);
    expect(names.map((r) => r.name).filter((n) => !/^(torc|identity|plynx|dioptra|flow)_/.test(String(n)))).toEqual([]);
  });

  it('When new rows are written after the migration, then ids continue after the old ones and cascades follow the renamed keys', async () => {
    database = await createTestDatabase(provider);
    await migrateDatabase(database.url, { upTo: BEFORE });
    conn = await connect(provider, database.url);
    await seed(conn);
    const [maxJob] = await conn.all('SELECT MAX(id) AS id FROM "Job"');
    await conn.close();
    conn = undefined;

    await migrateDatabase(database.url);

    conn = await connect(provider, database.url);
    // Autoincrement counters (sqlite_sequence rows, PostgreSQL sequences) moved with their tables.
    const [workflow] = await conn.all('SELECT id FROM torc_workflow ORDER BY id LIMIT 1');
    const jobId = await insert(conn, 'torc_job', { workflow_id: workflow!.id, command: 'true' });
    expect(jobId).toBeGreaterThan(Number(maxJob!.id));
    // Foreign keys now point at torc_workflow: deleting a workflow empties its rows in every child table.
    await conn.all('DELETE FROM torc_workflow WHERE id = ?', [workflow!.id]);
    for (const { table } of Object.values(RENAMES)) {
      const column = table === 'torc_workflow' ? 'id' : 'workflow_id';
      const [left] = await conn.all(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`, [workflow!.id]);
      expect(Number(left!.n), table).toBe(0);
      const [others] = await conn.all(`SELECT COUNT(*) AS n FROM ${table}`);
      expect(Number(others!.n), table).toBeGreaterThan(0);
    }
  });
});

// Torc workflow specifications end to end through the SDK (spec-and-worker.md §A, semantics.md §6): whole
// workflows written by name, created in one transaction, read back as the same document; job specifications.
import fs from 'node:fs';
import JSON5 from 'json5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components, type operations } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Spec = components['schemas']['workflow_specification_model'];
type JobSpec = components['schemas']['job_specification_model'];
type Doc = Record<string, unknown>;
type EdgeName = operations['list_edges']['parameters']['path']['name'];

const fixture = (name: string): Spec => JSON5.parse(fs.readFileSync(new URL(`../fixtures/torc-examples/${name}`, import.meta.url), 'utf8'));

/** Torc's example specifications (diamond_workflow.json5 adapted to refer to files by name; see its header). */
const EXAMPLES = [
  'workflow.json',
  'diamond_workflow.json5',
  'independent_workflow.json5',
  'manual_job_dependencies.json5',
  'slurm_cpu_affinity_workflow.json5',
  'slurm_diamond_workflow.json5',
];

const DEFAULT_STATS = {
  cpu: true, disk: false, memory: true, network: false, process: false, include_child_processes: true,
  recurse_child_processes: false, monitor_type: 'aggregation', make_plots: true, interval: 10,
};
const DEFAULT_CONFIG = {
  compute_node_expiration_buffer_seconds: 120,
  compute_node_wait_for_new_jobs_seconds: 0,
  compute_node_ignore_workflow_completion: false,
  compute_node_wait_for_healthy_database_minutes: 20,
  prepare_jobs_sort_method: 'gpus_runtime_memory',
};
const DOC_DEFAULTS: Record<string, Doc> = {
  files: {},
  user_data: { is_ephemeral: false },
  resource_requirements: { num_cpus: 1, num_gpus: 0, num_nodes: 1, memory: '1m', runtime: 'P0DT1M' },
  aws_schedulers: {},
  local_schedulers: { name: 'default' },
  slurm_schedulers: { qos: 'normal' },
};
const JOB_DEFAULTS = {
  cancel_on_blocking_job_failure: true, supports_termination: false, resource_requirements: 'default',
  input_files: [], output_files: [], input_user_data: [], output_user_data: [], blocked_by: [],
};

const withoutIdentity = (doc: Doc) => Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));

/**
 * The canonical form of a specification: server-side identity dropped, every default filled in, empty lists
 * spelled out, and an empty scheduler reference dropped. Two specifications are equivalent when these match.
 */
function canonical(spec: Spec, owner = 'local'): Doc {
  const docs = (collection: string, list: Doc[] | undefined) => (list ?? []).map((d) => ({ ...DOC_DEFAULTS[collection], ...withoutIdentity(d) }));
  const config = withoutIdentity((spec.config ?? {}) as Doc);
  return {
    name: spec.name,
    user: spec.user || owner,
    description: spec.description,
    config: {
      ...DEFAULT_CONFIG,
      ...config,
      compute_node_resource_stats: { ...DEFAULT_STATS, ...(config.compute_node_resource_stats as Doc | undefined) },
    },
    files: docs('files', spec.files as Doc[]),
    user_data: docs('user_data', spec.user_data as Doc[]),
    resource_requirements: docs('resource_requirements', spec.resource_requirements as Doc[]),
    schedulers: {
      aws_schedulers: docs('aws_schedulers', spec.schedulers?.aws_schedulers as Doc[]),
      local_schedulers: docs('local_schedulers', spec.schedulers?.local_schedulers as Doc[]),
      slurm_schedulers: docs('slurm_schedulers', spec.schedulers?.slurm_schedulers as Doc[]),
    },
    jobs: (spec.jobs ?? []).map((job) => {
      const j: Doc = { ...JOB_DEFAULTS, ...job };
      if (!j.scheduler) delete j.scheduler;
      return j;
    }),
  };
}

describe.each(PROVIDERS)('Torc workflow specifications on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  const post = (body: Spec) => t.client.POST('/torc-service/workflow_specifications', { body });
  const getSpec = (key: string) => unwrap(t.client.GET('/torc-service/workflow_specifications/{key}', { params: { path: { key } } }));
  const listJobSpecs = (workflow: string, query: { skip?: number; limit?: number } = {}) =>
    unwrap(t.client.GET('/torc-service/workflows/{workflow}/job_specifications', { params: { path: { workflow }, query } }));
  const jobs = async (workflow: string) => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }))).items;
  const jobKeyByName = async (workflow: string, name: string) => (await jobs(workflow)).find((j) => j.name === name)!._key!;

  /** Rows in every table a specification writes to. */
  async function counts() {
    const db = t.server.database.db;
    const [workflows, configs, statuses, jobRows, files, userData, rrs, aws, local, slurm, edges] = await Promise.all([
      db.torcWorkflow.count(), db.torcWorkflowConfig.count(), db.torcWorkflowStatus.count(), db.torcJob.count(),
      db.torcFile.count(), db.torcUserData.count(), db.torcResourceRequirements.count(), db.torcAwsScheduler.count(),
      db.torcLocalScheduler.count(), db.torcSlurmScheduler.count(), db.torcEdge.count(),
    ]);
    return { workflows, configs, statuses, jobs: jobRows, files, userData, rrs, aws, local, slurm, edges };
  }

  /** A specification that uses every kind of reference, with a slot for one more job at the end. */
  const fullSpec = (extraJob?: JobSpec): Spec => ({
    name: 'full',
    user: 'alice',
    description: 'every kind of reference',
    files: [{ name: 'script', path: 'run.sh' }, { name: 'in', path: 'data/in.csv' }, { name: 'out', path: 'data/out.csv', st_mtime: 1700000000.5 }],
    user_data: [{ name: 'settings', data: { columns: ['a', 'b'] } }, { name: 'metrics', is_ephemeral: true }],
    resource_requirements: [{ name: 'small', num_cpus: 2, memory: '4g', runtime: 'P0DT30M' }],
    schedulers: {
      aws_schedulers: [{ name: 'cloud' }],
      local_schedulers: [{ name: 'laptop', num_cpus: 4, memory: '16g' }],
      slurm_schedulers: [{ name: 'short', account: 'proj', nodes: 1, walltime: '04:00:00' }, { name: 'gpu', account: 'proj', nodes: 2, gres: 'gpu:2' }],
    },
    config: { worker_startup_script: 'module load python', compute_node_resource_stats: { process: true }, prepare_jobs_sort_method: 'none' },
    jobs: [
      {
        name: 'work', command: 'bash run.sh', invocation_script: 'srun', resource_requirements: 'small',
        input_files: ['script', 'in'], output_files: ['out'], input_user_data: ['settings'], output_user_data: ['metrics'],
        scheduler: 'slurm_schedulers/short',
        schedule_compute_nodes: { scheduler_id: 'slurm_schedulers/gpu', num_jobs: 1, start_one_worker_per_node: false },
      },
      { name: 'report', command: 'report', blocked_by: ['work'], input_files: ['out'], scheduler: 'local_schedulers/laptop', supports_termination: true },
      ...(extraJob ? [extraJob] : []),
    ],
  });

  describe("Torc's example specifications", () => {
    it.each(EXAMPLES)('When %s is posted, then the workflow exists and GET returns an equivalent specification', async (name) => {
      const spec = fixture(name);
      const workflow = await unwrap(post(spec));
      expect(workflow).toMatchObject({ _id: `workflows/${workflow._key}`, user: 'local', is_archived: false });
      if (spec.name) expect(workflow.name).toBe(spec.name);

      const stored = await getSpec(workflow._key!);
      expect(canonical(stored)).toEqual(canonical(spec));
      // Stored documents come back as documents of this workflow.
      for (const file of stored.files ?? []) expect(file._id).toBe(`files__${workflow._key}/${file._key}`);
      expect(stored.config?._id).toMatch(/^workflow_configs\/\d+$/);
    });

    it.each(EXAMPLES)('When the GET of %s is posted again, then the copy reads back the same', async (name) => {
      const first = await getSpec((await unwrap(post(fixture(name))))._key!);
      const copy = await unwrap(post(first));
      const second = await getSpec(copy._key!);
      expect(canonical(second)).toEqual(canonical(first));
    });
  });

  describe('POST /workflow_specifications', () => {
    it('When a specification uses every kind of reference, then each becomes the matching edge and reads back by name', async () => {
      const w = await unwrap(post(fullSpec()));
      const key = w._key!;
      const stored = await getSpec(key);
      expect(canonical(stored)).toEqual(canonical(fullSpec()));

      const edgeCount = async (name: EdgeName) => (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: key, name } } }))).total_count;
      expect({
        blocks: await edgeCount('blocks'), needs: await edgeCount('needs'), produces: await edgeCount('produces'),
        consumes: await edgeCount('consumes'), stores: await edgeCount('stores'), requires: await edgeCount('requires'),
        scheduled_bys: await edgeCount('scheduled_bys'),
      }).toEqual({ blocks: 1, needs: 3, produces: 1, consumes: 1, stores: 1, requires: 1, scheduled_bys: 2 });

      // The config is the workflow's config; the job is an ordinary job whose schedule names the scheduler's _id.
      const config = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key } } }));
      expect(config).toMatchObject({ worker_startup_script: 'module load python', prepare_jobs_sort_method: 'none', compute_node_resource_stats: { ...DEFAULT_STATS, process: true } });
      const work = (await jobs(key)).find((j) => j.name === 'work')!;
      const slurm = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/slurm_schedulers', { params: { path: { workflow: key }, query: { name: 'gpu' } } }));
      expect(work).toMatchObject({ status: 'uninitialized', invocation_script: 'srun', schedule_compute_nodes: { scheduler_id: slurm.items[0]!._id, num_jobs: 1 } });
      expect(stored.jobs![0]!.schedule_compute_nodes).toMatchObject({ scheduler_id: 'slurm_schedulers/gpu' });
    });

    it('When blocked_by names a job listed later, then the dependency is stored and reads back', async () => {
      const w = await unwrap(post({
        user: 'alice',
        jobs: [
          { name: 'last', command: 'echo last', blocked_by: ['middle', 'first'] },
          { name: 'middle', command: 'echo middle', blocked_by: ['first'] },
          { name: 'first', command: 'echo first' },
        ],
      }));
      const stored = await getSpec(w._key!);
      expect(stored.jobs!.map((j) => [j.name, j.blocked_by])).toEqual([['last', ['middle', 'first']], ['middle', ['first']], ['first', []]]);
      const blocks = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w._key!, name: 'blocks' } } }));
      const first = await jobKeyByName(w._key!, 'first');
      const last = await jobKeyByName(w._key!, 'last');
      expect(blocks.items.map((e) => [e._from, e._to])).toContainEqual([`jobs__${w._key}/${first}`, `jobs__${w._key}/${last}`]);
    });

    it('When the specification names no user, then the caller owns the workflow', async () => {
      const w = await unwrap(post({ name: 'mine', jobs: [{ name: 'a', command: 'true' }] }));
      expect(w.user).toBe('local');
      expect((await getSpec(w._key!)).user).toBe('local');
    });

    it('When a job has no resource requirements, then it reads back as "default", and "default" posts back as none', async () => {
      const w = await unwrap(post({ user: 'alice', jobs: [{ name: 'a', command: 'true' }] }));
      const stored = await getSpec(w._key!);
      expect(stored.jobs![0]!.resource_requirements).toBe('default');
      const copy = await unwrap(post(stored));
      const requires = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: copy._key!, name: 'requires' } } }));
      expect(requires.total_count).toBe(0);
    });

    it('When a specification defines resource requirements named "default", then jobs naming it use them', async () => {
      const w = await unwrap(post({ user: 'alice', resource_requirements: [{ name: 'default', num_cpus: 3 }], jobs: [{ name: 'a', command: 'true', resource_requirements: 'default' }] }));
      const requires = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w._key!, name: 'requires' } } }));
      expect(requires.total_count).toBe(1);
    });

    const dangling: [string, JobSpec, string][] = [
      ['input_files', { name: 'bad', command: 'x', input_files: ['in', 'no_such_file'] }, 'no_such_file'],
      ['output_files', { name: 'bad', command: 'x', output_files: ['no_such_output'] }, 'no_such_output'],
      ['input_user_data', { name: 'bad', command: 'x', input_user_data: ['no_such_data'] }, 'no_such_data'],
      ['output_user_data', { name: 'bad', command: 'x', output_user_data: ['no_such_store'] }, 'no_such_store'],
      ['blocked_by', { name: 'bad', command: 'x', blocked_by: ['work', 'no_such_job'] }, 'no_such_job'],
      ['resource_requirements', { name: 'bad', command: 'x', resource_requirements: 'huge' }, 'huge'],
      ['scheduler', { name: 'bad', command: 'x', scheduler: 'slurm_schedulers/long' }, 'slurm_schedulers/long'],
      ['a scheduler of an unknown kind', { name: 'bad', command: 'x', scheduler: 'short' }, 'short'],
      ['schedule_compute_nodes', { name: 'bad', command: 'x', schedule_compute_nodes: { scheduler_id: 'slurm_schedulers/nope', num_jobs: 1 } }, 'slurm_schedulers/nope'],
    ];
    it.each(dangling)('When %s names something the specification does not define, then it answers 400 naming it and leaves nothing behind', async (_what, job, name) => {
      const before = await counts();
      const { response, error } = await post(fullSpec(job));
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ error: true, code: 400, pipeloomCode: 'INVALID_ARGUMENT' });
      expect((error as { errorMessage: string }).errorMessage).toContain(JSON.stringify(name));
      expect((error as { errorMessage: string }).errorMessage).toContain('job "bad"');
      expect(await counts()).toEqual(before);
    });

    it('When the database fails on the last insert, then the workflow, its documents and its jobs are all rolled back', async () => {
      // A trigger makes the database refuse `stores` edges, which are written last, after everything else.
      const db = t.server.database.db;
      const drop = provider === 'sqlite'
        ? (await db.$executeRaw`CREATE TRIGGER test_fail_edge BEFORE INSERT ON torc_edge WHEN NEW.name = 'stores' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
          () => db.$executeRaw`DROP TRIGGER test_fail_edge`)
        : (await db.$executeRaw`CREATE FUNCTION test_fail_edge() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql`,
          await db.$executeRaw`CREATE TRIGGER test_fail_edge BEFORE INSERT ON torc_edge FOR EACH ROW WHEN (NEW.name = 'stores') EXECUTE FUNCTION test_fail_edge()`,
          async () => { await db.$executeRaw`DROP TRIGGER test_fail_edge ON torc_edge`; await db.$executeRaw`DROP FUNCTION test_fail_edge()`; });
      try {
        const before = await counts();
        const { response } = await post(fullSpec());
        expect(response.status).toBe(500);
        expect(await counts()).toEqual(before);
      } finally {
        await drop();
      }
      expect((await post(fullSpec())).response.status).toBe(200);
    });

    it('When several references are wrong, then one 400 names them all', async () => {
      const { response, error } = await post({ user: 'a', jobs: [{ name: 'x', command: 'x', input_files: ['f1'], blocked_by: ['y'] }] });
      expect(response.status).toBe(400);
      const message = (error as { errorMessage: string }).errorMessage;
      expect(message).toContain('unknown file "f1"');
      expect(message).toContain('unknown job "y"');
    });

    const duplicates: [string, Spec, string][] = [
      ['files', { files: [{ name: 'f', path: 'a' }, { name: 'f', path: 'b' }] }, 'file name "f"'],
      ['jobs', { jobs: [{ name: 'j', command: 'a' }, { name: 'j', command: 'b' }] }, 'job name "j"'],
      ['user_data', { user_data: [{ name: 'u' }, { name: 'u' }] }, 'user_data name "u"'],
      ['resource_requirements', { resource_requirements: [{ name: 'r' }, { name: 'r', num_cpus: 2 }] }, 'resource_requirements name "r"'],
      ['slurm_schedulers', { schedulers: { slurm_schedulers: [{ name: 's', account: 'a', nodes: 1 }, { name: 's', account: 'b', nodes: 1 }] } }, 'slurm_schedulers name "s"'],
      ['a job\'s input_files', { files: [{ name: 'f', path: 'a' }], jobs: [{ name: 'j', command: 'a', input_files: ['f', 'f'] }] }, 'lists "f" more than once'],
    ];
    it.each(duplicates)('When a name appears twice in %s, then it answers 400 and creates nothing', async (_what, spec, message) => {
      const before = await counts();
      const { response, error } = await post({ user: 'alice', ...spec });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ pipeloomCode: 'INVALID_ARGUMENT' });
      expect((error as { errorMessage: string }).errorMessage).toContain(message);
      expect(await counts()).toEqual(before);
    });

    it('When schedulers of different kinds share a name, then both are accepted and told apart by collection', async () => {
      const w = await unwrap(post({
        user: 'alice',
        schedulers: { local_schedulers: [{ name: 'main' }], slurm_schedulers: [{ name: 'main', account: 'a', nodes: 1 }] },
        jobs: [{ name: 'a', command: 'x', scheduler: 'slurm_schedulers/main' }, { name: 'b', command: 'x', scheduler: 'local_schedulers/main' }],
      }));
      expect((await getSpec(w._key!)).jobs!.map((j) => j.scheduler)).toEqual(['slurm_schedulers/main', 'local_schedulers/main']);
    });

    it('When blocked_by forms a cycle, then it answers 400 naming the jobs and creates nothing', async () => {
      const before = await counts();
      const { response, error } = await post({
        user: 'alice',
        jobs: [{ name: 'ok', command: 'x' }, { name: 'a', command: 'x', blocked_by: ['b'] }, { name: 'b', command: 'x', blocked_by: ['a'] }, { name: 'self', command: 'x', blocked_by: ['self'] }, { name: 'after', command: 'x', blocked_by: ['b'] }],
      });
      expect(response.status).toBe(400);
      expect((error as { errorMessage: string }).errorMessage).toMatch(/cycle.*"a", "b", "self"/);
      expect((error as { errorMessage: string }).errorMessage).not.toContain('"after"');
      expect(await counts()).toEqual(before);
    });

    it('When the specification or a job carries a key, then it answers 400: keys are the server\'s to give', async () => {
      const before = await counts();
      const top = await post({ key: '12345', user: 'alice' });
      expect(top.response.status).toBe(400);
      expect((top.error as { errorMessage: string }).errorMessage).toContain('key');
      const job = await post({ user: 'alice', jobs: [{ name: 'a', key: '7', command: 'x' }] });
      expect(job.response.status).toBe(400);
      expect(await counts()).toEqual(before);
    });

    it('When the specification has a field the contract does not know, then validation rejects it', async () => {
      const { response, error } = await post({ user: 'alice', colour: 'blue' } as Spec);
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ pipeloomCode: 'VALIDATION_FAILED' });
    });
  });

  describe('GET /workflow_specifications/example and /template', () => {
    it('When the example is fetched, then it is a specification that posts and reads back unchanged', async () => {
      const example = await unwrap(t.client.GET('/torc-service/workflow_specifications/example'));
      expect(example.jobs).toHaveLength(2);
      expect(example.resource_requirements).toHaveLength(2);
      expect(example.files!.length).toBeGreaterThan(0);
      const w = await unwrap(post(example));
      expect(canonical(await getSpec(w._key!))).toEqual(canonical(example));
    });

    it('When the template is fetched, then every list is empty and the config holds the defaults of a new workflow', async () => {
      const template = await unwrap(t.client.GET('/torc-service/workflow_specifications/template'));
      expect(template).toEqual({ ...fixture('GET_workflow_specifications_template.json'), user_data: [] });
      const plain = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'alice' } }));
      const config = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key: plain._key! } } }));
      expect(withoutIdentity(config)).toEqual(template.config);
    });

    it('When the template is posted as it is, then an empty workflow owned by the caller is created', async () => {
      const template = await unwrap(t.client.GET('/torc-service/workflow_specifications/template'));
      const w = await unwrap(post(template));
      expect(w).toMatchObject({ name: '', user: 'local' });
      const stored = await getSpec(w._key!);
      expect(stored.jobs).toEqual([]);
      expect(stored.files).toEqual([]);
    });
  });

  describe('GET /workflow_specifications/{key}', () => {
    it('When the workflow does not exist, then it answers 404', async () => {
      const { response, error } = await t.client.GET('/torc-service/workflow_specifications/{key}', { params: { path: { key: '999999' } } });
      expect(response.status).toBe(404);
      expect(error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
    });

    it('When jobs were added through the REST API, then the specification names their relations too', async () => {
      const w = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'alice', name: 'rest' } }));
      const key = w._key!;
      const file = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: key } }, body: { name: 'f', path: 'f.txt' } }));
      const rr = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path: { workflow: key } }, body: { name: 'big', num_cpus: 8 } }));
      const a = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } }, body: { name: 'a', command: 'x', output_files: [file._id!], resource_requirements: rr._id } }));
      await unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } }, body: { name: 'b', command: 'y', input_files: [file._id!], blocked_by: [a._id!] } }));
      const stored = await getSpec(key);
      expect(stored.jobs).toEqual([
        expect.objectContaining({ name: 'a', output_files: ['f'], resource_requirements: 'big', blocked_by: [] }),
        expect.objectContaining({ name: 'b', input_files: ['f'], resource_requirements: 'default', blocked_by: ['a'] }),
      ]);
    });
  });

  describe('GET /workflows/{workflow}/job_specifications', () => {
    it('When job specifications are listed, then each job shows its relations by name, paged with skip and limit', async () => {
      const w = await unwrap(post(fullSpec()));
      const all = await listJobSpecs(w._key!);
      expect(all).toMatchObject({ skip: 0, count: 2, total_count: 2, has_more: false, max_limit: 100000 });
      expect(all.items).toEqual((await getSpec(w._key!)).jobs);
      expect(all.items[0]).toEqual({
        name: 'work', command: 'bash run.sh', invocation_script: 'srun', cancel_on_blocking_job_failure: true, supports_termination: false,
        resource_requirements: 'small', scheduler: 'slurm_schedulers/short',
        schedule_compute_nodes: { scheduler_id: 'slurm_schedulers/gpu', num_jobs: 1, start_one_worker_per_node: false },
        input_files: ['script', 'in'], output_files: ['out'], input_user_data: ['settings'], output_user_data: ['metrics'], blocked_by: [],
      });

      const second = await listJobSpecs(w._key!, { skip: 1, limit: 1 });
      expect(second).toMatchObject({ skip: 1, count: 1, total_count: 2, has_more: false });
      expect(second.items[0]).toMatchObject({ name: 'report', blocked_by: ['work'], input_files: ['out'], scheduler: 'local_schedulers/laptop' });
      const first = await listJobSpecs(w._key!, { limit: 1 });
      expect(first).toMatchObject({ count: 1, has_more: true });
      expect(first.items[0]!.name).toBe('work');
    });

    it('When one job specification is fetched, then it matches its entry in the list', async () => {
      const w = await unwrap(post(fullSpec()));
      const reportKey = await jobKeyByName(w._key!, 'report');
      const one = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/job_specifications/{key}', { params: { path: { workflow: w._key!, key: reportKey } } }));
      expect(one).toEqual((await listJobSpecs(w._key!)).items[1]);
    });

    it('When the job or the workflow does not exist, then it answers 404', async () => {
      const w = await unwrap(post({ user: 'alice', jobs: [{ name: 'a', command: 'x' }] }));
      const noJob = await t.client.GET('/torc-service/workflows/{workflow}/job_specifications/{key}', { params: { path: { workflow: w._key!, key: '999999' } } });
      expect(noJob.response.status).toBe(404);
      const noWorkflow = await t.client.GET('/torc-service/workflows/{workflow}/job_specifications', { params: { path: { workflow: '999999' } } });
      expect(noWorkflow.response.status).toBe(404);
    });

    it('When a job of another workflow is asked for, then it answers 404', async () => {
      const a = await unwrap(post({ user: 'alice', jobs: [{ name: 'a', command: 'x' }] }));
      const b = await unwrap(post({ user: 'alice', jobs: [{ name: 'b', command: 'x' }] }));
      const keyInB = await jobKeyByName(b._key!, 'b');
      const { response } = await t.client.GET('/torc-service/workflows/{workflow}/job_specifications/{key}', { params: { path: { workflow: a._key!, key: keyInB } } });
      expect(response.status).toBe(404);
    });
  });
});

// Who may change what, over every write operation of every family, read from the contract: a table names the
// rule of each operation, and an operation missing from the table fails the first test, so a new one cannot
// be missed. Rules: `owner` (only the object's owner and administrators; others get 403 and nothing
// changes), `runner` (a worker's report on a run: only a user who may run it, and administrators),
// `admin` (administrators only), `anyone` (any signed-in user: it creates the caller's own object or only
// reads). Torc's operations on a workflow are checked one by one in test/torc/authorization.test.ts, from
// the same access levels the server uses. Without credentials every write operation answers 401.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import { graph, instance, operation, type Graph, type Node } from '../plynx/plynx-fixture.ts';
import { contractRequests, fillPath, sendContractRequest, type ContractRequest } from '../helpers/contract-requests.ts';
import { addUsers } from '../helpers/users.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Rule = 'owner' | 'runner' | 'admin' | 'anyone';

const WRITES = contractRequests((o) => o.method !== 'get');
const isTorcWorkflowOperation = (o: ContractRequest) => o.family === 'torc' && /^\/torc-service\/(workflows|workflow_specifications)\/\{(key|workflow)\}/.test(o.path);

const RULES: Record<string, Rule> = {
  add_workflow: 'anyone',
  add_workflow_specification: 'anyone',
  claim_queue_jobs: 'anyone', // answers only jobs the caller may run (tested in the Torc matrix)

  plynx_search_graphs: 'anyone',
  plynx_search_nodes: 'anyone',
  plynx_post_graph: 'owner',
  plynx_approve_graph: 'owner',
  plynx_cancel_graph: 'owner',
  plynx_update_graph: 'owner',
  plynx_insert_graph_node: 'owner',
  plynx_remove_graph_node: 'owner',
  plynx_create_graph_link: 'owner',
  plynx_remove_graph_link: 'owner',
  plynx_change_graph_parameter: 'owner',
  plynx_validate_graph: 'anyone',
  plynx_rearrange_graph: 'anyone',
  plynx_upgrade_graph_nodes: 'anyone',
  plynx_generate_graph_code: 'anyone',
  plynx_clone_graph: 'anyone',
  plynx_post_node: 'owner',
  plynx_upload_file: 'anyone',
  plynx_upload_file_put: 'anyone',
  plynx_post_resource: 'anyone',
  plynx_start_node_run: 'runner',
  plynx_report_node_progress: 'runner',
  plynx_finish_node_run: 'runner',

  dioptra_post_experiment_resource: 'anyone',
  dioptra_put_experiment_id_resource: 'owner',
  dioptra_delete_experiment_id_resource: 'owner',
  dioptra_put_experiment_name_resource: 'owner',
  dioptra_delete_experiment_name_resource: 'owner',
  dioptra_post_queue_resource: 'anyone',
  dioptra_put_queue_id_resource: 'owner',
  dioptra_delete_queue_id_resource: 'owner',
  dioptra_put_queue_id_lock_resource: 'owner',
  dioptra_delete_queue_id_lock_resource: 'owner',
  dioptra_put_queue_name_resource: 'owner',
  dioptra_delete_queue_name_resource: 'owner',
  dioptra_put_queue_name_lock_resource: 'owner',
  dioptra_delete_queue_name_lock_resource: 'owner',
  dioptra_post_task_plugin_resource: 'anyone',
  dioptra_delete_task_plugin_custom_collection_name_resource: 'owner',
  dioptra_post_job_resource: 'anyone',
  dioptra_put_job_log: 'runner',
  dioptra_start_job: 'runner',
  dioptra_finish_job: 'runner',

  flow_create_pipeline: 'admin',
  flow_delete_pipeline: 'owner',
  flow_rename_pipeline: 'owner',
  flow_grant_pipeline_permissions: 'owner',
  flow_revoke_pipeline_permissions: 'owner',
  flow_update_job_pipelines: 'owner',
};

/** The stable error code in a family's error body. */
function errorCode(family: string, body: Record<string, unknown>): unknown {
  if (family === 'torc') return body.error === true ? body.pipeloomCode : undefined;
  if (family === 'plynx') return body.status === 'failed' && typeof body.message === 'string' ? body.code : undefined;
  if (family === 'flow') return body.status === 'ERROR' && typeof body.msg === 'string' ? body.code : undefined;
  return typeof body.message === 'string' ? body.code : undefined;
}

type User = 'alice' | 'bob' | 'carol' | 'root';

/** What an operation is sent against: path values, bodies that name the object, and a read of its state. */
interface Target {
  values: Record<string, string>;
  /** The values a worker's report takes instead (a running graph rather than a draft). */
  runValues?: Record<string, string>;
  bodies: Record<string, unknown>;
  state(): Promise<unknown>;
}

describe.each(PROVIDERS)('Write operations of every family on %s', (provider) => {
  let t: TestServer;
  let tokens: Record<User, string>;
  const as = (user: User): PipeloomClient => createPipeloomClient({ baseUrl: t.url, token: tokens[user] });
  let pluginDir: string;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestServer(provider);
    tokens = await addUsers(t, ['alice', 'bob', 'carol', 'root'], ['root']);
    pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-plugin-'));
  });
  afterAll(async () => {
    await t?.close();
    if (pluginDir) fs.rmSync(pluginDir, { recursive: true, force: true });
  });

  async function send(o: ContractRequest, user: User | null, target: Target): Promise<Response> {
    const url = fillPath(o, target.values);
    if (!(o.id in target.bodies)) return sendContractRequest(t.url, o, url, user ? tokens[user] : null);
    const body = target.bodies[o.id];
    const auth: Record<string, string> = user ? { authorization: `Bearer ${tokens[user]}` } : {};
    // A function makes a multipart form (a fresh one per request); anything else is sent as JSON.
    if (typeof body === 'function') return fetch(`${t.url}${url}`, { method: o.verb, headers: auth, body: (body as () => FormData)() });
    return fetch(`${t.url}${url}`, { method: o.verb, headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
  }

  async function dioptraForm(user: User, route: string, fields: Record<string, string>, file?: { field: string; name: string; content: Buffer }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field, new Blob([new Uint8Array(file.content)]), file.name);
    const r = await fetch(`${t.url}${route}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${tokens[user]}` } });
    expect(r.status, `${route}: ${await r.clone().text()}`).toBe(200);
    return r.json() as Promise<Record<string, string | number>>;
  }

  async function pluginArchive(name: string): Promise<Buffer> {
    fs.mkdirSync(path.join(pluginDir, name), { recursive: true });
    fs.writeFileSync(path.join(pluginDir, name, '__init__.py'), '');
    const file = path.join(pluginDir, `${name}.tar.gz`);
    await tar.c({ gzip: true, cwd: pluginDir, file }, [name]);
    return fs.readFileSync(file);
  }

  /** A PLynx graph of `owner` with one node, approved (so it has a run) unless `approve` is false. */
  async function plynxTarget(owner: User): Promise<Target> {
    const client = as(owner);
    const op: Node = operation(`step ${++serial}`, { outputs: ['out'] });
    await unwrap(client.POST('/plynx/api/v0/nodes', { body: { node: op, action: 'APPROVE' } }));
    const library = (await unwrap(client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: op._id! } } }))).data;
    const node = instance(library);
    const running: Graph = graph(`run ${serial}`, [node]);
    await unwrap(client.POST('/plynx/api/v0/graphs', { body: { graph: running, actions: ['APPROVE'] } }));
    const draft: Graph = graph(`draft ${serial}`, [instance(library)]);
    await unwrap(client.POST('/plynx/api/v0/graphs', { body: { graph: draft, actions: ['SAVE'] } }));
    const first = draft.nodes![0]!;
    const draftBody = { node_id: first._id, from: { node_id: first._id, resource: 'out' }, to: { node_id: first._id, resource: 'in' }, parameter_name: 'cmd', parameter_value: 'x' };
    return {
      values: { graph_id: draft._id!, node_id: first._id! },
      bodies: {
        plynx_post_graph: { graph: { ...draft, title: 'taken over' }, actions: ['SAVE'] },
        plynx_post_node: { node: { ...library, title: 'taken over' }, action: 'SAVE' },
        plynx_update_graph: { title: 'taken over' },
        plynx_insert_graph_node: { node_id: op._id, x: 1, y: 1 },
        plynx_remove_graph_node: draftBody,
        plynx_create_graph_link: draftBody,
        plynx_remove_graph_link: draftBody,
        plynx_change_graph_parameter: draftBody,
        // The worker's reports name the running graph and its node.
        plynx_start_node_run: {},
        plynx_report_node_progress: { logs: {} },
        plynx_finish_node_run: { status: 'SUCCESS', outputs: {} },
        plynx_approve_graph: {},
        plynx_cancel_graph: {},
      },
      runValues: { graph_id: running._id!, node_id: node._id! },
      async state() {
        const read = async (id: string) => (await unwrap(client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } }))).data;
        const readNode = (await unwrap(client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: op._id! } } }))).data;
        return { draft: await read(draft._id!), running: await read(running._id!), node: readNode };
      },
    };
  }

  /** An experiment, a queue, a custom task plugin and a submitted job of `owner`. */
  async function dioptraTarget(owner: User): Promise<Target> {
    const n = ++serial;
    const experiment = await dioptraForm(owner, '/api/experiment/', { name: `exp-${n}` });
    const queue = await dioptraForm(owner, '/api/queue/', { name: `queue-${n}` });
    await dioptraForm(owner, '/api/taskPlugin/', { task_plugin_name: `plug_${n}`, collection: 'dioptra_custom' }, { field: 'task_plugin_file', name: `plug_${n}.tar.gz`, content: await pluginArchive(`plug_${n}`) });
    const job = await dioptraForm(owner, '/api/job/', { experiment_name: `exp-${n}`, queue: `queue-${n}`, entry_point: 'main' }, { field: 'workflow', name: 'workflows.tar.gz', content: Buffer.from('archive bytes') });
    const get = async (route: string) => (await fetch(`${t.url}${route}`, { headers: { authorization: `Bearer ${tokens.root}` } })).json();
    return {
      values: {
        experimentId: String(experiment.experimentId), experimentName: `exp-${n}`, queueId: String(queue.queueId), queueName: `queue-${n}`,
        taskPluginName: `plug_${n}`, jobId: String(job.jobId),
      },
      bodies: {
        dioptra_put_experiment_id_resource: { name: `renamed-exp-${n}` }, dioptra_put_experiment_name_resource: { name: `renamed-exp-${n}` },
        dioptra_put_queue_id_resource: { name: `renamed-queue-${n}` }, dioptra_put_queue_name_resource: { name: `renamed-queue-${n}` },
        dioptra_finish_job: { status: 'finished' },
        dioptra_put_job_log: () => {
          const form = new FormData();
          form.append('log', new Blob(['a line\n']), 'job.log');
          return form;
        },
      },
      async state() {
        return Promise.all([get('/api/experiment/'), get('/api/queue/'), get('/api/taskPlugin/dioptra_custom'), get(`/api/job/${job.jobId}`)]);
      },
    };
  }

  /** A Flow pipeline `owner` manages with every permission (pipelines are created by administrators), and a Torc workflow of theirs. */
  async function flowTarget(owner: User): Promise<Target> {
    const n = ++serial;
    const { pipeline } = await unwrap(as('root').POST('/api/v1/flow/pipeline', { body: { name: `pipeline ${n}` } }));
    const all = ['flow_pipeline:read', 'flow_pipeline:execute', 'flow_pipeline:delete', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write'];
    if (owner !== 'root') {
      await unwrap(as('root').POST('/api/v1/flow/pipeline/{pipeline_id}/permissions', { params: { path: { pipeline_id: pipeline.id } }, body: { username: owner, permissions: all, is_manager: true } as never }));
    }
    const workflow = await unwrap(as(owner).POST('/torc-service/workflows', { body: { user: owner, name: `flow ${n}` } }));
    return {
      values: { pipeline_id: pipeline.id, username: owner === 'root' ? 'alice' : owner },
      bodies: {
        flow_rename_pipeline: { name: `renamed ${n}` },
        flow_grant_pipeline_permissions: { username: 'bob', permissions: all },
        flow_update_job_pipelines: { job_id: workflow._key, pipeline_ids: [pipeline.id] },
      },
      async state() {
        return [await unwrap(as('root').GET('/api/v1/flow/pipeline')), await t.server.database.db.flowJobPipeline.findMany({ where: { jobId: workflow._key! } })];
      },
    };
  }

  const TARGETS: Record<string, (owner: User) => Promise<Target>> = { plynx: plynxTarget, dioptra: dioptraTarget, flow: flowTarget };

  /** The operation's path values: a worker's report names the running graph rather than the draft. */
  const targetFor = (o: ContractRequest, target: Target): Target =>
    RULES[o.id] === 'runner' && target.runValues ? { ...target, values: target.runValues } : target;

  it('When the contract is read, then every write operation has a rule here or in the Torc workflow matrix', () => {
    const missing = WRITES.filter((o) => !isTorcWorkflowOperation(o) && !(o.id in RULES)).map((o) => o.id);
    expect(missing).toEqual([]);
    const stale = Object.keys(RULES).filter((id) => !WRITES.some((o) => o.id === id));
    expect(stale).toEqual([]);
    for (const o of WRITES.filter((w) => RULES[w.id] === 'owner' || RULES[w.id] === 'runner' || RULES[w.id] === 'admin')) {
      expect(Object.keys(o.op.responses), o.id).toContain('403');
    }
  });

  it('When nobody signs in, then every write operation of every family answers 401 in its family\'s shape', async () => {
    const targets = Object.fromEntries(await Promise.all(Object.entries(TARGETS).map(async ([family, make]) => [family, await make('alice')] as const)));
    const wrong: string[] = [];
    for (const o of WRITES) {
      const target = targets[o.family] ?? { values: {}, bodies: {}, state: async () => null };
      const r = await send(o, null, targetFor(o, target));
      const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
      if (r.status !== 401 || errorCode(o.family, body) !== 'UNAUTHENTICATED') wrong.push(`${o.id}: ${r.status} ${JSON.stringify(body).slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('When another user calls an owner\'s, runner\'s or administrator\'s operation, then it answers 403 in the family\'s shape and nothing changes', async () => {
    const wrong: string[] = [];
    for (const [family, make] of Object.entries(TARGETS)) {
      const target = await make('alice');
      const before = await target.state();
      for (const o of WRITES.filter((w) => w.family === family && RULES[w.id] !== 'anyone')) {
        const r = await send(o, 'bob', targetFor(o, target));
        const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
        if (r.status !== 403 || errorCode(family, body) !== 'FORBIDDEN') wrong.push(`${o.id}: ${r.status} ${JSON.stringify(body).slice(0, 160)}`);
      }
      expect(await target.state(), family).toEqual(before);
    }
    expect(wrong).toEqual([]);
  });

  it('When the owner or an administrator calls any write operation, then none answers 401, 403 or 5xx', async () => {
    const wrong: string[] = [];
    for (const [family, make] of Object.entries(TARGETS)) {
      for (const o of WRITES.filter((w) => w.family === family)) {
        const callers: User[] = RULES[o.id] === 'admin' ? ['root'] : ['alice', 'root'];
        for (const user of callers) {
          const r = await send(o, user, targetFor(o, await make('alice')));
          const text = await r.text();
          if (r.status === 401 || r.status === 403 || r.status >= 500) wrong.push(`${o.id} as ${user}: ${r.status} ${text.slice(0, 160)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('When another user calls an operation open to anyone, then it is not refused', async () => {
    const wrong: string[] = [];
    for (const o of WRITES.filter((w) => RULES[w.id] === 'anyone')) {
      const target = TARGETS[o.family] ? await TARGETS[o.family]!('alice') : { values: {}, bodies: {}, state: async () => null };
      const r = await send(o, 'bob', targetFor(o, target));
      const text = await r.text();
      if (r.status === 401 || r.status === 403 || r.status >= 500) wrong.push(`${o.id}: ${r.status} ${text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('When workers claim from a queue, then each gets only runs its user may run: its own, and a Dioptra job on a queue it registered', async () => {
    const n = ++serial;
    await dioptraForm('alice', '/api/experiment/', { name: `claims-${n}` });
    await dioptraForm('alice', '/api/queue/', { name: `claims-q-${n}` });
    const job = await dioptraForm('bob', '/api/job/', { experiment_name: `claims-${n}`, queue: `claims-q-${n}`, entry_point: 'main' }, { field: 'workflow', name: 'workflows.tar.gz', content: Buffer.from('archive bytes') });
    await plynxTarget('alice');
    const worker = { hostname: 'w', pid: 1, start_time: '2026-12-04T08:00:00Z', resources: { num_cpus: 64, memory_gb: 64 } };
    const claim = async (user: User, queue: string) =>
      (await unwrap(as(user).POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker, resources: worker.resources, limit: 1000 } }))).jobs.map((j) => j.job.command);
    expect(await claim('carol', 'plynx')).toEqual([]);
    expect(await claim('carol', `claims-q-${n}`)).toEqual([]);
    // Bob submitted to alice's queue: alice, who registered it, serves it.
    expect(await claim('alice', `claims-q-${n}`)).toEqual([`dioptra-job ${job.jobId}`]);
    expect((await claim('alice', 'plynx')).length).toBeGreaterThan(0);
  });
});

// Dioptra in memory: experiments and queues (by id and by name, queue locks) and submitted jobs.
import { badRequest, conflict, notFound } from './errors.js';
import type { StatefulContext, StatefulHandlers } from './stateful.js';
import type { MockStore, StoredDocument } from './store.js';

type Kind = 'experiments' | 'queues';
const idField = { experiments: 'experimentId', queues: 'queueId' } as const;
const singular = { experiments: 'experiment', queues: 'queue' } as const;

const now = () => new Date().toISOString();

/** Dioptra keeps names in slug form: lower case, trimmed, spaces to dashes. */
const slugify = (text: string) => String(text).toLowerCase().trim().replaceAll(' ', '-');

function byId(store: MockStore, kind: Kind, id: string): StoredDocument {
  const found = store.dioptra[kind][id];
  if (!found) throw notFound(`${singular[kind]} ${id}`);
  return found;
}

function byName(store: MockStore, kind: Kind, name: string): StoredDocument {
  const found = Object.values(store.dioptra[kind]).find((d) => d.name === name);
  if (!found) throw notFound(`${singular[kind]} ${name}`);
  return found;
}

function register(store: MockStore, kind: Kind, text: string): StoredDocument {
  const name = slugify(text);
  if (!name) throw badRequest(`the ${singular[kind]} needs a name`);
  if (Object.values(store.dioptra[kind]).some((d) => d.name === name)) throw badRequest(`${singular[kind]} ${name} already exists`, 'ALREADY_EXISTS');
  const id = store.dioptra.nextId++;
  const at = now();
  const document = { [idField[kind]]: id, createdOn: at, lastModified: at, name };
  store.dioptra[kind][String(id)] = document;
  return document;
}

function rename(store: MockStore, kind: Kind, document: StoredDocument, name: string): StoredDocument {
  if (Object.values(store.dioptra[kind]).some((d) => d.name === name && d !== document)) throw conflict(`${singular[kind]} ${name} already exists`, 'ALREADY_EXISTS');
  Object.assign(document, { name, lastModified: now() });
  return document;
}

/** Deleting what is not there is no error: the id list comes back empty, as upstream. */
function drop(store: MockStore, kind: Kind, document: StoredDocument | undefined) {
  if (!document) return { body: { status: 'Success', id: [] } };
  const id = document[idField[kind]] as number;
  delete store.dioptra[kind][String(id)];
  return { body: { status: 'Success', id: [id] } };
}

function lock(store: MockStore, queue: StoredDocument, locked: boolean) {
  const id = queue.queueId as number;
  const others = store.dioptra.lockedQueues.filter((q) => q !== id);
  store.dioptra.lockedQueues = locked ? [...others, id] : others;
}

/** The handlers of one kind addressed by id and by name: list, register, get, rename, delete. */
function resourceHandlers(kind: Kind, prefix: string): StatefulHandlers {
  const param = `${singular[kind]}Id`;
  const nameParam = `${singular[kind]}Name`;
  const one = (c: StatefulContext) => byId(c.store, kind, c.params[param]!);
  const named = (c: StatefulContext) => byName(c.store, kind, c.params[nameParam]!);
  return {
    [`dioptra_get_${prefix}_resource`]: (c: StatefulContext) => ({ body: Object.values(c.store.dioptra[kind]) }),
    [`dioptra_post_${prefix}_resource`]: (c: StatefulContext) => ({ body: register(c.store, kind, c.body.name) }),
    [`dioptra_get_${prefix}_id_resource`]: (c: StatefulContext) => ({ body: one(c) }),
    [`dioptra_put_${prefix}_id_resource`]: (c: StatefulContext) => ({ body: rename(c.store, kind, one(c), c.body.name) }),
    [`dioptra_delete_${prefix}_id_resource`]: (c: StatefulContext) => drop(c.store, kind, c.store.dioptra[kind][c.params[param]!]),
    [`dioptra_get_${prefix}_name_resource`]: (c: StatefulContext) => ({ body: named(c) }),
    [`dioptra_put_${prefix}_name_resource`]: (c: StatefulContext) => ({ body: rename(c.store, kind, named(c), c.body.name) }),
    [`dioptra_delete_${prefix}_name_resource`]: (c: StatefulContext) =>
      drop(c.store, kind, Object.values(c.store.dioptra[kind]).find((d) => d.name === c.params[nameParam])),
  };
}

function jobHandlers(): StatefulHandlers {
  return {
    dioptra_get_job_resource: ({ store }) => ({ body: Object.values(store.dioptra.jobs) }),
    dioptra_post_job_resource: ({ store, body }) => {
      const experiment = byName(store, 'experiments', slugify(body.experiment_name));
      const queue = byName(store, 'queues', slugify(body.queue));
      if (store.dioptra.lockedQueues.includes(queue.queueId as number)) throw badRequest(`queue ${body.queue} is locked`, 'QUEUE_LOCKED');
      const at = now();
      // From the store's counter rather than random, so a seeded mock issues the same ids again.
      const jobId = `00000000-0000-4000-8000-${(store.dioptra.nextId++).toString(16).padStart(12, '0')}`;
      const job = {
        jobId, mlflowRunId: null, experimentId: experiment.experimentId, queueId: queue.queueId, createdOn: at, lastModified: at,
        timeout: body.timeout || null, workflowUri: `content://dioptra-workflow-${jobId.replace(/-/g, '')}/${String(body.workflow)}`,
        entryPoint: body.entry_point, entryPointKwargs: body.entry_point_kwargs || null, dependsOn: body.depends_on || null, status: 'queued',
      };
      store.dioptra.jobs[jobId] = job;
      return { body: job };
    },
    dioptra_get_job_id_resource: ({ store, params }) => ({ body: store.dioptra.jobs[params.jobId!] ?? raise(notFound(`job ${params.jobId}`)) }),
  };
}

function lockHandlers(): StatefulHandlers {
  const handler = (locked: boolean, byQueueName: boolean) => (c: StatefulContext) => {
    const queue = byQueueName ? byName(c.store, 'queues', c.params.queueName!) : byId(c.store, 'queues', c.params.queueId!);
    lock(c.store, queue, locked);
    return { body: byQueueName ? { status: 'Success', name: [queue.name] } : { status: 'Success', id: [queue.queueId] } };
  };
  return {
    dioptra_put_queue_id_lock_resource: handler(true, false),
    dioptra_delete_queue_id_lock_resource: handler(false, false),
    dioptra_put_queue_name_lock_resource: handler(true, true),
    dioptra_delete_queue_name_lock_resource: handler(false, true),
  };
}

const raise = (error: Error): never => {
  throw error;
};

export function dioptraHandlers(): StatefulHandlers {
  return { ...resourceHandlers('experiments', 'experiment'), ...resourceHandlers('queues', 'queue'), ...jobHandlers(), ...lockHandlers() };
}

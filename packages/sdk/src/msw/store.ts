// The mock's whole state: plain JSON, so a snapshot of one mock can seed another.

/** A stored document as it travels on the wire. */
export type StoredDocument = Record<string, unknown>;

export interface MockStore {
  torc: {
    /** Workflows by `_key`. */
    workflows: Record<string, StoredDocument>;
    /** Per workflow `_key`, per collection name (`jobs`, `files`...), documents by `_key`. */
    collections: Record<string, Record<string, Record<string, StoredDocument>>>;
    /** Keys are issued from one counter, as the server issues integer surrogates. */
    nextKey: number;
  };
  plynx: {
    /** Graphs by `_id`. */
    graphs: Record<string, StoredDocument>;
    /** Library nodes by `_id`. */
    nodes: Record<string, StoredDocument>;
    nextObjectId: number;
  };
  dioptra: {
    /** Experiments, queues and jobs by their id (as a string). */
    experiments: Record<string, StoredDocument>;
    queues: Record<string, StoredDocument>;
    /** Queue ids that are locked. */
    lockedQueues: number[];
    jobs: Record<string, StoredDocument>;
    nextId: number;
  };
  flow: {
    /** Pipelines by `id`. */
    pipelines: Record<string, StoredDocument>;
    nextId: number;
  };
}

/** A partial store: every part left out starts empty. */
export type MockSeed = { [Family in keyof MockStore]?: Partial<MockStore[Family]> };

export function createStore(seed: MockSeed = {}): MockStore {
  const copy = structuredClone(seed);
  return {
    torc: { workflows: {}, collections: {}, nextKey: 1, ...copy.torc },
    plynx: { graphs: {}, nodes: {}, nextObjectId: 1, ...copy.plynx },
    dioptra: { experiments: {}, queues: {}, lockedQueues: [], jobs: {}, nextId: 1, ...copy.dioptra },
    flow: { pipelines: {}, nextId: 1, ...copy.flow },
  };
}

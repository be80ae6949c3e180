// A running server with two PLynx users (alice and bob, each with an API token) and typed clients for them,
// plus builders for the operations and graphs the suites post.
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';
import type { components } from '@pipeloom/sdk/generated';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { newObjectId } from '../../packages/server/src/plynx/model/object-id.ts';
import { userObjectId } from '../../packages/server/src/plynx/model/users.ts';
import { startTestServer, type Provider, type TestServer } from '../helpers/server.ts';

export type Graph = components['schemas']['PlynxGraph'];
export type Node = components['schemas']['PlynxNode'];

export interface PlynxFixture {
  t: TestServer;
  clock: ManualClock;
  alice: PipeloomClient;
  bob: PipeloomClient;
  anonymous: PipeloomClient;
  ids: { alice: string; bob: string };
  /** The users' API tokens, for requests the typed clients cannot make (multipart uploads). */
  tokens: { alice: string; bob: string };
  close(): Promise<void>;
}

export async function startPlynx(provider: Provider): Promise<PlynxFixture> {
  const clock = new ManualClock();
  const t = await startTestServer(provider, { clock });
  const admin: Database = await openDatabase(t.databaseUrl, { migrate: false });
  const identity = createIdentity(admin.db);
  await identity.addUser('alice', { password: 'alice-pw' });
  await identity.addUser('bob', { password: 'bob-pw' });
  const [aliceToken, bobToken] = [await identity.issueToken('alice'), await identity.issueToken('bob')];
  await admin.close();
  // The single-user check is remembered for a second of server time.
  clock.advance(1_000);
  return {
    t,
    clock,
    alice: createPipeloomClient({ baseUrl: t.url, token: aliceToken }),
    bob: createPipeloomClient({ baseUrl: t.url, token: bobToken }),
    anonymous: createPipeloomClient({ baseUrl: t.url }),
    ids: { alice: userObjectId('alice'), bob: userObjectId('bob') },
    tokens: { alice: aliceToken, bob: bobToken },
    close: () => t.close(),
  };
}

/** A fresh ObjectId, as PLynx clients make them. */
export const oid = (): string => newObjectId();

/** A python operation with the given inputs and outputs (names), as a client would post it. */
export function operation(title: string, io: { inputs?: string[]; outputs?: string[]; params?: components['schemas']['PlynxParameter'][] } = {}): Node {
  return {
    _id: oid(),
    title,
    description: `${title} description`,
    base_node_name: 'python',
    node_status: 'CREATED',
    inputs: (io.inputs ?? []).map((name) => ({ name, file_types: ['file'], values: [], min_count: 1, max_count: 1 })),
    outputs: (io.outputs ?? []).map((name) => ({ name, file_type: 'file', resource_id: null })),
    parameters: [
      { name: 'cmd', parameter_type: 'code', value: { value: 'print(1)\n', mode: 'python' }, mutable_type: false, removable: false, publicable: false, widget: null },
      ...(io.params ?? []),
    ],
  };
}

/** A copy of a library node placed in a graph, with inputs linked as given (`input name` → [node, output]). */
export function instance(library: Node, links: Record<string, Array<[Node, string]>> = {}): Node {
  return {
    ...structuredClone(library),
    _id: oid(),
    parent_node: library._id,
    node_status: 'READY',
    node_running_status: library.base_node_name === 'file' ? 'STATIC' : 'CREATED',
    inputs: (library.inputs ?? []).map((input) => ({
      ...input,
      values: (links[input.name ?? ''] ?? []).map(([node, output]) => ({ node_id: node._id!, output_id: output, resource_id: null })),
    })),
  };
}

export function graph(title: string, nodes: Node[]): Graph {
  return { _id: oid(), title, description: `${title} description`, graph_running_status: 'CREATED', nodes };
}

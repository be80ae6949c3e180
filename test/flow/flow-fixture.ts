// A running server with three Flow users, each with an API token: `admin` (site administrator), `reader` and
// `writer` (ordinary users whose pipeline permissions the suites grant), and typed clients for them.
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { startTestServer, type Provider, type TestServer } from '../helpers/server.ts';

export const USERS = ['admin', 'reader', 'writer'] as const;
export type User = (typeof USERS)[number];

export interface FlowFixture {
  t: TestServer;
  as: Record<User, PipeloomClient>;
  anonymous: PipeloomClient;
  tokens: Record<User, string>;
  /** A connection of the test's own, to look at what the server stored. */
  db: Database;
  close(): Promise<void>;
}

export async function startFlow(provider: Provider): Promise<FlowFixture> {
  const clock = new ManualClock();
  const t = await startTestServer(provider, { clock });
  const db = await openDatabase(t.databaseUrl, { migrate: false });
  const identity = createIdentity(db.db);
  const tokens = {} as Record<User, string>;
  for (const user of USERS) {
    await identity.addUser(user, { isAdmin: user === 'admin' });
    tokens[user] = await identity.issueToken(user);
  }
  // The single-user check is remembered for a second of server time.
  clock.advance(1_000);
  const client = (token: string) => createPipeloomClient({ baseUrl: t.url, token });
  return {
    t,
    as: { admin: client(tokens.admin), reader: client(tokens.reader), writer: client(tokens.writer) },
    anonymous: createPipeloomClient({ baseUrl: t.url }),
    tokens,
    db,
    async close() {
      await db.close();
      await t.close();
    },
  };
}

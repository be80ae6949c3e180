// Users for tests that need several callers: each added to the running server's identity store with an API
// token, the ones named in `admins` as administrators.
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import type { TestServer } from './server.ts';

/** Adds every user to `t`'s identity store and answers each one's API token by name. */
export async function addUsers<U extends string>(t: TestServer, users: readonly U[], admins: readonly U[] = []): Promise<Record<U, string>> {
  const identity = createIdentity(t.server.database.db);
  const tokens = {} as Record<U, string>;
  for (const user of users) {
    await identity.addUser(user, { isAdmin: admins.includes(user) });
    tokens[user] = await identity.issueToken(user);
  }
  return tokens;
}

// The server a campaign runs against: the real app in-process on a fresh database (with response
// validation on, so an undocumented answer is a 500 the oracle sees), two signed-in users, and a warm-up
// of one valid call per operation so that the campaign starts with real ids to aim at.
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { startTestServer, type Provider, type TestServer } from '../helpers/server.ts';
import { runCampaign, type CampaignReport } from './campaign.ts';
import { IdPool, type FuzzCredentials } from './generator.ts';

export interface FuzzTarget {
  server: TestServer;
  credentials: FuzzCredentials;
  ids: IdPool;
  /** The warm-up's own report: its valid calls are judged like any other. */
  warmUp: CampaignReport;
}

export async function startFuzzTarget(provider: Provider, seed: number): Promise<FuzzTarget> {
  const server = await startTestServer(provider);
  const identity = createIdentity(server.server.database.db);
  await identity.addUser('fuzz-admin', { isAdmin: true });
  await identity.addUser('fuzz-user');
  const credentials = { admin: await identity.issueToken('fuzz-admin'), user: await identity.issueToken('fuzz-user') };
  const ids = new IdPool();
  // Two valid rounds: creations first, then calls on what they created.
  const operations = (await import('./contract-model.ts')).contractOperations().length;
  const warmUp = await runCampaign({ baseUrl: server.url, seed, requests: operations * 2, credentials, ids, concurrency: 4, only: 'valid' });
  return { server, credentials, ids, warmUp };
}

// Dioptra's services on their own, over a real database and a directory content store, with the run engine
// TEST DOUBLE: for suites that test Dioptra's rules below HTTP. Experiment `exp` and queue `q` are registered.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../packages/server/src/clock.ts';
import type { ContentStore } from '../../packages/server/src/content/content-store.ts';
import { directoryContentStore } from '../../packages/server/src/content/directory-store.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createDioptraServices, type DioptraServices } from '../../packages/server/src/dioptra/composition.ts';
import { LOCAL_IDENTITY } from '../../packages/server/src/http/auth.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { createTestDatabase, type Provider } from '../helpers/server.ts';
import { RunEngineDouble } from '../plynx/run-engine-double.ts';

export interface DioptraBench {
  database: Database;
  /** The data folder; the content store is its `content` directory. */
  dir: string;
  content: ContentStore;
  services: DioptraServices;
  /** Closes the database, drops it and removes the data folder. */
  close(): Promise<void>;
}

/** Dioptra's services on a new database of `provider`, driving `engine` and reading time from `clock`. */
export async function dioptraServicesOn(provider: Provider, { engine = new RunEngineDouble(), clock = new ManualClock() } = {}): Promise<DioptraBench> {
  const testDb = await createTestDatabase(provider);
  const database = await openDatabase(testDb.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-dioptra-'));
  const content = directoryContentStore(path.join(dir, 'content'));
  const services = createDioptraServices({
    database, clock, engine, identity: createIdentity(database.db), content,
    config: { builtinsDir: undefined, uploadMaxBytes: 1024 * 1024, sharing: 'testbed' }, dataDir: dir,
  });
  await services.experiments.register('exp', LOCAL_IDENTITY);
  await services.queues.register('q', LOCAL_IDENTITY);
  return {
    database, dir, content, services,
    async close() {
      await database.close();
      await testDb.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

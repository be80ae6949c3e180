// Collecting what a crash left in the content store: the directory store lists its keys and drops unfinished
// writes; the collector removes old files their family no longer references and nothing else; Dioptra's
// references are read from its jobs on a real database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectOrphanedContent, type ContentReferences } from '../../packages/server/src/content/collect.ts';
import type { ContentStore } from '../../packages/server/src/content/content-store.ts';
import { directoryContentStore } from '../../packages/server/src/content/directory-store.ts';
import type { Database } from '../../packages/server/src/db/client.ts';
import type { DioptraServices } from '../../packages/server/src/dioptra/composition.ts';
import { logKeyOf, newWorkflowKey } from '../../packages/server/src/dioptra/jobs/content-keys.ts';
import { dioptraModule } from '../../packages/server/src/dioptra/module.ts';
import { LOCAL_IDENTITY } from '../../packages/server/src/http/auth.ts';
import { removeStaleUploads } from '../../packages/server/src/http/uploads.ts';
import { startServer } from '../../packages/server/src/index.ts';
import { createTestDatabase, PROVIDERS } from '../helpers/server.ts';
import { dioptraServicesOn, type DioptraBench } from '../dioptra/services.ts';

const HOUR = 3_600_000;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-content-'));
}

/** Sets a file's modification time `ms` into the past, as if it had been written then. */
function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

async function put(store: ContentStore, key: string, text = key): Promise<void> {
  await store.putStream(key, Readable.from([Buffer.from(text)]));
}

async function keysOf(store: ContentStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const { key } of store.list()) keys.push(key);
  return keys.sort();
}

/** A family owning keys that start with `prefix` and referencing those in `referenced`; records each question. */
function family(prefix: string, referenced: string[]): ContentReferences & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    owns: (key) => key.startsWith(prefix),
    async referenced(keys) {
      asked.push([...keys]);
      return new Set(keys.filter((k) => referenced.includes(k)));
    },
  };
}

describe('The directory content store and the collector', () => {
  let root: string;
  let store: ContentStore;
  beforeAll(() => {
    root = tempDir();
  });
  afterEach(() => {
    for (const f of fs.readdirSync(root)) fs.rmSync(path.join(root, f), { recursive: true, force: true });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('When a write never finished, then the store lists only whole content and drops the unfinished part once it is old', async () => {
    store = directoryContentStore(root);
    await put(store, 'whole');
    fs.writeFileSync(path.join(root, '.incoming-old'), 'half');
    fs.writeFileSync(path.join(root, '.incoming-new'), 'half');
    age(path.join(root, '.incoming-old'), 2 * HOUR);

    expect(await keysOf(store)).toEqual(['whole']);
    expect(await store.removeUnfinished(new Date(Date.now() - HOUR))).toBe(1);
    expect(fs.readdirSync(root).sort()).toEqual(['.incoming-new', 'whole']);
  });

  it('When content is old and no row references it, then it is removed; referenced, recent and unowned content stays', async () => {
    store = directoryContentStore(root);
    for (const key of ['a-kept', 'a-orphan', 'a-recent-orphan', 'b-orphan', 'other-family-less']) await put(store, key);
    for (const key of ['a-kept', 'a-orphan', 'b-orphan', 'other-family-less']) age(path.join(root, key), 2 * HOUR);
    const a = family('a-', ['a-kept']);
    const b = family('b-', []);

    const collected = await collectOrphanedContent(store, [a, b], { before: new Date(Date.now() - HOUR) });

    expect(collected.orphans.sort()).toEqual(['a-orphan', 'b-orphan']);
    expect(await keysOf(store)).toEqual(['a-kept', 'a-recent-orphan', 'other-family-less']);
    // Recent content is not even asked about: its write may still be on its way to the database.
    expect(a.asked.flat().sort()).toEqual(['a-kept', 'a-orphan']);
  });

  it('When a family owns many keys, then it is asked about them in batches', async () => {
    store = directoryContentStore(root);
    for (let i = 0; i < 5; i++) {
      await put(store, `a-${i}`);
      age(path.join(root, `a-${i}`), 2 * HOUR);
    }
    const a = family('a-', ['a-1', 'a-3']);

    const collected = await collectOrphanedContent(store, [a], { before: new Date(), batchSize: 2 });

    expect(a.asked.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(collected.orphans.sort()).toEqual(['a-0', 'a-2', 'a-4']);
    expect(await keysOf(store)).toEqual(['a-1', 'a-3']);
  });

  it('When the walk is aborted, then it stops before the next file and settles only what it found', async () => {
    store = directoryContentStore(root);
    for (let i = 0; i < 3; i++) {
      await put(store, `a-${i}`);
      age(path.join(root, `a-${i}`), 2 * HOUR);
    }
    const stop = new AbortController();
    const a = family('a-', []);
    const owns = a.owns;
    a.owns = (key) => {
      stop.abort();
      return owns(key);
    };

    const collected = await collectOrphanedContent(store, [a], { before: new Date(), signal: stop.signal });

    expect(collected.orphans).toHaveLength(1);
    expect(await keysOf(store)).toHaveLength(2);
  });

  it('When a killed server left temporary upload files, then the old ones are removed and recent ones stay', async () => {
    const uploads = path.join(root, 'uploads');
    fs.mkdirSync(uploads);
    for (const name of ['old-1', 'old-2', 'recent']) fs.writeFileSync(path.join(uploads, name), name);
    age(path.join(uploads, 'old-1'), 2 * HOUR);
    age(path.join(uploads, 'old-2'), 2 * HOUR);

    expect(await removeStaleUploads(new Date(Date.now() - HOUR), uploads)).toBe(2);
    expect(fs.readdirSync(uploads)).toEqual(['recent']);
    expect(await removeStaleUploads(new Date(), path.join(root, 'missing'))).toBe(0);
  });
});

describe.each(PROVIDERS)('Dioptra content references on %s', (provider) => {
  let bench: DioptraBench;
  let database: Database;
  let dir: string;
  let store: ContentStore;
  let s: DioptraServices;

  beforeAll(async () => {
    bench = await dioptraServicesOn(provider);
    ({ database, dir, content: store, services: s } = bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('When a job\'s archive and log are stored beside files no job names, then collection keeps the job\'s and removes the others', async () => {
    // Arrange: one whole job with its log, an archive and a log left by submissions that never committed,
    // and a PLynx resource (content Dioptra does not own).
    const upload = path.join(dir, 'upload');
    fs.writeFileSync(upload, 'archive bytes');
    const job = await s.jobSubmission.submit({ experimentName: 'exp', queue: 'q', entryPoint: 'main', file: { path: upload, originalName: 'w.tar.gz', size: 13 } }, LOCAL_IDENTITY);
    await put(store, logKeyOf(job.jobId));
    await database.db.dioptraJob.update({ where: { jobId: job.jobId }, data: { logKey: logKeyOf(job.jobId) } });
    const orphanArchive = newWorkflowKey();
    const orphanLog = logKeyOf(crypto.randomUUID());
    const plynxResource = '0d5f8e9a-2b1c-11ef-8a3b-0123456789ab';
    for (const key of [orphanArchive, orphanLog, plynxResource]) await put(store, key);
    for (const f of fs.readdirSync(path.join(dir, 'content'))) age(path.join(dir, 'content', f), 2 * HOUR);

    // Act
    const collected = await collectOrphanedContent(store, [dioptraModule.contentReferences!(database)], { before: new Date(Date.now() - HOUR) });

    // Assert
    expect(collected.orphans.sort()).toEqual([orphanArchive, orphanLog].sort());
    expect(await keysOf(store)).toEqual([job.contentKey, logKeyOf(job.jobId), plynxResource].sort());
  });
});

describe('Collection when the server starts', () => {
  it('When the content store holds an old orphan, then the server answers at once and removes it in the background', async () => {
    const database = await createTestDatabase('sqlite');
    const dataDir = tempDir();
    const orphan = path.join(dataDir, 'content', newWorkflowKey());
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'archive of a submission that never committed');
    age(orphan, 2 * HOUR);
    const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: database.url, dataDir, logLevel: 'silent', tokens: [] });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

      await server.housekeeping;

      expect(fs.existsSync(orphan)).toBe(false);
    } finally {
      await server.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

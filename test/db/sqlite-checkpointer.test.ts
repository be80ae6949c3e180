import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../packages/server/src/db/sqlite-checkpointer.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';

describe('The SQLite checkpointer thread', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-checkpointer-'));
    file = path.join(dir, 'db.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('When the server connection never checkpoints, then the thread copies the log into the database file', async () => {
    const main = new Database(file);
    main.pragma('journal_mode = WAL');
    main.pragma('wal_autocheckpoint = 0');
    main.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = main.prepare('INSERT INTO t (body) VALUES (?)');
    main.transaction(() => { for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000)); })();
    const before = fs.statSync(file).size;

    let ready!: () => void;
    const started = new Promise<void>((resolve) => { ready = resolve; });
    const checkpointer = startCheckpointer(file, () => ready());
    await started;
    await checkpointer.stop();

    // 2,000 rows of 1 kB live in the database file itself now, not only in the log.
    expect(before).toBeLessThan(100_000);
    expect(fs.statSync(file).size).toBeGreaterThan(2_000_000);
    expect(main.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
    main.close();
  });

  it('When a database is opened and closed, then the thread ends with it and the file is left whole', async () => {
    const url = `file:${file}`;
    const database = await openDatabase(url);
    await database.db.$executeRawUnsafe('CREATE TABLE probe (id INTEGER PRIMARY KEY)');
    await database.db.$executeRawUnsafe('INSERT INTO probe (id) VALUES (1), (2)');
    await database.close();
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) AS n FROM probe').get()).toEqual({ n: 2 });
    reopened.close();
  });
});

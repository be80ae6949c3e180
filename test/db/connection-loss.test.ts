// PostgreSQL going away under an open database (a restart, a failover): what was in flight fails with an
// error the HTTP layer answers 503, nothing escapes as an uncaught exception (which would end the server),
// and the same pool serves again once the database is back. The restart is played by a TCP proxy, so the
// shared cluster is left alone. PostgreSQL only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { sql } from '../../packages/server/src/db/sql.ts';
import { isTransientDatabaseError } from '../../packages/server/src/db/transient-errors.ts';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

/** Rejects with what `p` rejected with; fails the test if `p` resolves. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => expect.unreachable('the call succeeded while the database was away'), (e: unknown) => e);
}

describe.runIf(PROVIDERS.includes('postgresql'))('PostgreSQL connections lost under an open database', () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let opened: Database | undefined;
  const escaped: unknown[] = [];
  const onEscape = (e: unknown) => escaped.push(e);

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const url = new URL(database.url);
    proxy = await tcpProxy(Number(url.port || 5432), url.hostname);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    opened = await openDatabase(url.toString());
    process.on('uncaughtException', onEscape);
  });

  afterAll(async () => {
    process.off('uncaughtException', onEscape);
    await opened?.close();
    await proxy?.stop();
    await database?.drop();
  });

  it('When the database restarts while a driver transaction holds its connection between statements, then the transaction fails with a transient error and nothing escapes uncaught', async () => {
    // Arrange: a transaction that has run one statement.
    const error = await failure(opened!.driver.transaction(async (tx) => {
      await tx.$queryRaw(sql`SELECT 1`);
      // Act: PostgreSQL tells the session it is shutting down while no statement is running on it.
      await proxy!.stop({ postgresShutdown: true });
      return tx.$queryRaw(sql`SELECT 2`);
    }));

    // Assert
    expect(isTransientDatabaseError(error), String(error)).toBe(true);
    expect(escaped).toEqual([]);
    await proxy!.start();
  });

  it('When the database is away, then Prisma, the driver path and the readiness probe fail transiently, and once it is back the same pool serves again', async () => {
    // Arrange: connections open and idle in the pool, on both paths.
    await opened!.db.$queryRaw`SELECT 1`;
    await opened!.driver.$queryRaw(sql`SELECT 1`);

    // Act: a restart cuts them and refuses new ones.
    await proxy!.stop({ postgresShutdown: true });

    // Assert
    const calls = [() => opened!.db.$queryRaw`SELECT 1`, () => opened!.driver.$queryRaw(sql`SELECT 1`), () => opened!.driver.transaction((tx) => tx.$queryRaw(sql`SELECT 1`))];
    for (const call of calls) {
      const error = await failure(call());
      expect(isTransientDatabaseError(error), String(error)).toBe(true);
    }
    expect(await opened!.readiness()).toMatchObject({ ready: false });
    await proxy!.start();
    expect(await opened!.db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    expect(await opened!.driver.$queryRaw(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    expect(await opened!.readiness()).toEqual({ ready: true });
    expect(escaped).toEqual([]);
  });
});

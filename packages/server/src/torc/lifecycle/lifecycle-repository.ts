// The lifecycle's repositories over one database client, and the way into a transaction: inside
// `transaction`, every repository writes through the same transaction. The client is the driver path
// (db/driver-sql.ts), whose transactions keep db/transaction.ts's limits; services never see the client.
import type { DriverSql } from '../../db/driver-sql.ts';
import type { Provider } from '../../db/migrate.ts';
import { Sql, type SqlClient } from '../../db/sql.ts';
import { ChangeRepository } from '../change-repository.ts';
import { TORC_TABLES } from '../tables.ts';
import { ClaimRepository } from './claim-repository.ts';
import { InitializeRepository } from './initialize-repository.ts';
import { JobGraphRepository } from './job-graph-repository.ts';
import { LeaseRepository } from './lease-repository.ts';
import { RecordRepository } from './record-repository.ts';
import { RunStateRepository } from './run-state-repository.ts';

/** Raw SQL over the Torc tables; the only identifiers it splices are on the Torc allow-list. */
export type TorcSql = Sql<typeof TORC_TABLES>;

export class LifecycleRepository {
  readonly jobs: JobGraphRepository;
  readonly runs: RunStateRepository;
  readonly claims: ClaimRepository;
  readonly leases: LeaseRepository;
  readonly records: RecordRepository;
  readonly initialize: InitializeRepository;
  readonly changes: ChangeRepository;

  constructor(
    private readonly driver: DriverSql,
    readonly provider: Provider,
    /** Set on the copy handed to a transaction's callback (or a caller's Prisma transaction to write through). */
    private readonly tx?: SqlClient,
  ) {
    const sql: TorcSql = new Sql(tx ?? driver, provider, TORC_TABLES);
    this.jobs = new JobGraphRepository(sql);
    this.runs = new RunStateRepository(sql);
    this.claims = new ClaimRepository(sql);
    this.leases = new LeaseRepository(sql);
    this.records = new RecordRepository(sql);
    this.initialize = new InitializeRepository(sql);
    this.changes = new ChangeRepository(sql);
  }

  /** Runs `fn` in one transaction (or in the current one, when already inside); a throw rolls it all back. */
  transaction<T>(fn: (repo: LifecycleRepository) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    return this.driver.transaction((tx) => fn(new LifecycleRepository(this.driver, this.provider, tx)));
  }
}

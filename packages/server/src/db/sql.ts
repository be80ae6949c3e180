// Raw SQL for the repositories, written once for SQLite and PostgreSQL on Prisma's tagged templates: every
// value is bound as a parameter (`${value}` in `sql`...``), and the only text spliced into a statement is a
// table or column name that was checked against the family's allow-list right where it is built.
// Repositories use this where Prisma's model API has no set-based equivalent: claims, joins, bulk inserts.
import { Prisma } from '../generated/sqlite/client.ts';
import type { Provider } from './migrate.ts';

/** A piece of SQL with its bound values; compose with `sql`, `join`, `list` and the identifier helpers. */
export type Fragment = Prisma.Sql;
export type Row = Record<string, unknown>;

/** `sql`...`` builds a Fragment; `${value}` binds, `${fragment}` nests. */
export const sql = Prisma.sql;
/** `a, b, c` from fragments or values (values are bound). */
export const join = Prisma.join;
/** The empty fragment, for optional clauses. */
export const empty = Prisma.empty;

/** Each table a family may name in raw SQL, with every column it may name. */
export type TableMap = Readonly<Record<string, readonly string[]>>;
export type TableOf<T extends TableMap> = keyof T & string;
export type ColumnOf<T extends TableMap, N extends TableOf<T>> = T[N][number];
/** A row to insert, keyed by column; a missing or undefined column takes its default. */
export type NewRow<T extends TableMap, N extends TableOf<T>> = { [C in ColumnOf<T, N>]?: unknown };

/** The database or a transaction on it, through Prisma or the driver (db/driver-sql.ts): runs a Fragment. */
export interface SqlClient {
  $queryRaw<T = unknown>(query: Prisma.Sql): Promise<T>;
  $executeRaw(query: Prisma.Sql): Promise<number>;
}

/** Largest id list bound into one statement (both databases cap the parameters of one statement). */
export const ID_CHUNK = 10_000;

export function chunks<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` on each chunk of `ids` and concatenates the answers. */
export async function chunked<I, T>(ids: readonly I[], fn: (part: I[]) => Promise<T[]>, size = ID_CHUNK): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(ids, size)) out.push(...(await fn(part)));
  return out;
}

/** The bound values of an `IN (...)` list. An empty list matches nothing (`IN (NULL)`), where SQL has no `IN ()`. */
export function list(values: readonly unknown[]): Fragment {
  return values.length ? Prisma.join(values) : sql`NULL`;
}

// Allow-listed names are lower snake_case; anything else is refused even if a list were to contain it.
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

// One statement per this many rows: each batch travels as a single JSON parameter, so the parameter caps
// (SQLite 32,766, PostgreSQL 65,535) do not apply, and the statement is parsed and planned once.
const INSERT_BATCH_ROWS = 50_000;

export interface SqlOptions {
  /** Rows per INSERT statement (tests lower it to cover the batching). */
  insertBatchRows?: number;
}

/** What an insert reads back: whole rows, only their ids, or nothing (cheapest). */
type Returning = '*' | 'id' | 'none';

export class Sql<T extends TableMap> {
  constructor(
    private readonly db: SqlClient,
    readonly provider: Provider,
    private readonly tables: T,
    private readonly options: SqlOptions = {},
  ) {}

  // ---- identifiers ----

  /** The quoted name of an allow-listed table. */
  table(name: TableOf<T>): Fragment {
    if (!Object.hasOwn(this.tables, name) || !IDENTIFIER.test(name)) throw new Error(`unknown table in raw SQL: ${String(name)}`);
    return Prisma.raw(`"${name}"`);
  }

  /** The quoted name of an allow-listed column of `table`, qualified by `alias` when given (`j."status"`). */
  column<N extends TableOf<T>>(table: N, column: ColumnOf<T, N>, alias?: string): Fragment {
    this.table(table);
    if (!this.tables[table]!.includes(column) || !IDENTIFIER.test(column)) throw new Error(`unknown column in raw SQL: ${table}.${String(column)}`);
    if (alias !== undefined && !IDENTIFIER.test(alias)) throw new Error(`bad alias in raw SQL: ${alias}`);
    return Prisma.raw(alias === undefined ? `"${column}"` : `${alias}."${column}"`);
  }

  /** `"a", "b"`: several columns of `table`. */
  columns<N extends TableOf<T>>(table: N, columns: readonly ColumnOf<T, N>[]): Fragment {
    return Prisma.join(columns.map((c) => this.column(table, c)));
  }

  // ---- values ----

  /** A JSON value bound as text; PostgreSQL casts it to jsonb so it compares and stores as a JSON column. */
  json(value: unknown): Fragment {
    const text = JSON.stringify(value);
    return this.provider === 'postgresql' ? sql`${text}::jsonb` : sql`${text}`;
  }

  // ---- statements ----

  query<R = Row>(query: Fragment): Promise<R[]> {
    return this.db.$queryRaw<R[]>(this.bindable(query));
  }

  execute(query: Fragment): Promise<number> {
    return this.db.$executeRaw(this.bindable(query));
  }

  /** Batched insert of `rows` into `table`, reading nothing back. */
  async insert<N extends TableOf<T>>(table: N, rows: readonly NewRow<T, N>[]): Promise<void> {
    await this.insertRows(table, rows, 'none');
  }

  /** Batched insert of `rows` into `table`; their new ids, in input order. */
  async insertIds<N extends TableOf<T>>(table: N, rows: readonly NewRow<T, N>[]): Promise<number[]> {
    return (await this.insertRows<{ id: number }>(table, rows, 'id')).map((r) => Number(r.id));
  }

  /** Batched insert of `rows` into `table`; the stored rows, in input order. */
  insertReturning<R = Row, N extends TableOf<T> = TableOf<T>>(table: N, rows: readonly NewRow<T, N>[]): Promise<R[]> {
    return this.insertRows<R>(table, rows, '*');
  }

  /** SQLite has no boolean type: bind true/false as 1/0 there, as Prisma stores them. */
  private bindable(query: Fragment): Fragment {
    if (this.provider === 'postgresql' || !query.values.some((v) => typeof v === 'boolean')) return query;
    return new Prisma.Sql(query.strings, query.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
  }

  /**
   * Consecutive rows that set the same columns become one statement, which reads its rows from one JSON
   * parameter: `json_each` on SQLite, `jsonb_populate_recordset` (typed by the table's own row type) on
   * PostgreSQL. Ids come from one sequence in statement order, so sorting by id restores the input order.
   */
  private async insertRows<R>(table: TableOf<T>, rows: readonly Row[], returning: Returning): Promise<R[]> {
    const out: R[] = [];
    let i = 0;
    while (i < rows.length) {
      const columns = setColumns(rows[i]!);
      const signature = columns.join(',');
      // A row that sets no column would need DEFAULT VALUES, one statement per row; no table here needs it.
      if (columns.length === 0) throw new Error(`insert into ${table}: a row sets no column`);
      const limit = this.options.insertBatchRows ?? INSERT_BATCH_ROWS;
      const batch: Row[] = [];
      while (i < rows.length && batch.length < limit && setColumns(rows[i]!).join(',') === signature) batch.push(rows[i++]!);
      const statement = this.insertStatement(table, columns, batch, returning);
      if (returning === 'none') {
        await this.execute(statement);
        continue;
      }
      const stored = await this.query<R & { id: number }>(statement);
      out.push(...stored.sort((a, b) => Number(a.id) - Number(b.id)));
    }
    return out;
  }

  private insertStatement(table: TableOf<T>, columns: string[], batch: Row[], returning: Returning): Fragment {
    const into = this.table(table);
    const tail = returning === 'none' ? empty : returning === 'id' ? sql` RETURNING "id"` : sql` RETURNING *`;
    const checked = columns as ColumnOf<T, TableOf<T>>[];
    const names = this.columns(table, checked);
    if (this.provider === 'sqlite') {
      const json = JSON.stringify(batch.map((row) => columns.map((c) => row[c] ?? null)));
      const values = join(columns.map((_c, k) => sql`json_extract(value, ${`$[${k}]`})`));
      return sql`INSERT INTO ${into} (${names}) SELECT ${values} FROM json_each(${json}) ORDER BY key${tail}`;
    }
    // A null is left out of its JSON object so the record's field is SQL NULL (not the JSON value null).
    const json = JSON.stringify(batch.map((row) => Object.fromEntries(columns.filter((c) => row[c] !== null).map((c) => [c, row[c]]))));
    const fields = join(checked.map((c) => this.column(table, c, 'r')));
    return sql`INSERT INTO ${into} (${names}) SELECT ${fields} FROM jsonb_populate_recordset(NULL::${into}, ${json}::jsonb) WITH ORDINALITY AS r ORDER BY r.ordinality${tail}`;
  }
}

/** The columns a row sets (undefined means "use the default"). */
function setColumns(row: Row): string[] {
  return Object.keys(row).filter((c) => row[c] !== undefined);
}

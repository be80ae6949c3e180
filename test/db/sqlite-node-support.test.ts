import { describe, expect, it } from 'vitest';
import { assertSqliteRunsOnThisNode, sqliteNodeProblem } from '../../packages/server/src/db/sqlite-node-support.ts';

describe('SQLite on Node versions whose better-sqlite3 binding aborts', () => {
  it.each(['24.19.0', '24.20.0', '24.21.0', '24.22.0'])('When the server runs on Node %s, then opening SQLite is refused with the fix in the message', (version) => {
    expect(sqliteNodeProblem(version)).toMatch(/fixed in 24\.22\.1.*upgrade Node to 24\.22\.1 or later, or use PostgreSQL/);
    expect(() => assertSqliteRunsOnThisNode(version)).toThrow(/24\.22\.1/);
  });

  it.each(['20.19.0', '20.20.2', '22.12.0', '22.23.5', '24.18.1', '24.22.1', '24.22.3', '26.10.0'])('When the server runs on Node %s, then SQLite opens', (version) => {
    expect(sqliteNodeProblem(version)).toBeUndefined();
    expect(() => assertSqliteRunsOnThisNode(version)).not.toThrow();
  });
});

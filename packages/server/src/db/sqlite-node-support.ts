// better-sqlite3 12 (the version @prisma/adapter-better-sqlite3 asks for) aborts the process on Node
// 24.19.0 to 24.22.0: those releases assert in RemoveEnvironmentCleanupHook when a Database is garbage
// collected (`Assertion failed: (env) != nullptr`), a Node regression fixed in 24.22.1. The abort comes
// seconds after start, from the garbage collector, with a native stack trace; refusing to open SQLite
// on those versions turns it into one clear line at start instead.
import { StartupError } from '../env.ts';

/** Why SQLite cannot run on this Node version, or undefined when it can. */
export function sqliteNodeProblem(version: string = process.versions.node): string | undefined {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  if (major !== 24) return undefined;
  const broken = minor >= 19 && (minor < 22 || (minor === 22 && patch < 1));
  if (!broken) return undefined;
  return (
    `Node ${version} aborts the process when better-sqlite3 frees a database (a Node 24.19-24.22.0 bug, fixed in 24.22.1); ` +
    'upgrade Node to 24.22.1 or later, or use PostgreSQL (DATABASE_URL=postgresql://...)'
  );
}

/** Throws a StartupError on a Node version whose better-sqlite3 binding would abort the process. */
export function assertSqliteRunsOnThisNode(version?: string): void {
  const problem = sqliteNodeProblem(version);
  if (problem) throw new StartupError(problem);
}

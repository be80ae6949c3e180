// What one API family brings to the shared server. The app, authentication, the error middleware and
// `ops:coverage` only ever read these objects (through the registry in ../families.ts), so adding a family
// means one folder with a module.ts and one registry line.
import type { Clock } from '../clock.ts';
import type { ContentReferences } from '../content/collect.ts';
import type { ContentStore } from '../content/content-store.ts';
import type { Database } from '../db/client.ts';
import type { RunEngine } from '../engine/run-engine.ts';
import type { AppError } from '../errors.ts';
import type { HandlerMap, OperationId } from '../http/handler.ts';
import type { IdentityService } from '../identity/identity-service.ts';

/** Everything a family's services may be built from. */
export interface FamilyContext<Config> {
  database: Database;
  config: Config;
  /** The server's clock; tests pass a manual one to move time instead of waiting for it. */
  clock: Clock;
  /** The one identity store: users, passwords and tokens of every family. */
  identity: IdentityService;
  /** The one content store: uploaded files, outputs and logs. */
  content: ContentStore;
  /** The one job lifecycle engine: families run their work as runs of it. */
  engine: RunEngine;
  /** The server's data folder; a family that keeps files the content store cannot (folders of them) uses a subfolder named after itself. Absent where services are only listed, never run. */
  dataDir?: string;
}

export interface FamilyModule<Name extends string = string, Config = unknown, Services = unknown> {
  name: Name;
  /**
   * Path prefixes this family owns, each ending at a segment boundary: `/api/queue` owns `/api/queue` and
   * `/api/queue/...` but not `/api/queues`.
   */
  prefixes: readonly string[];
  /**
   * Paths callers may use without credentials (liveness checks and the like): exact paths, or templates
   * whose `{name}` segments match any one segment (`/plynx/api/v0/resource/{resource_id}`).
   */
  publicPaths: readonly string[];
  /**
   * Paths that trade credentials for session tokens. Requests to them count against the caller's address
   * (a limit on the server, see http/sign-in-limits.ts), so they cannot be used to guess at speed.
   */
  signInPaths?: readonly string[];
  /** The `WWW-Authenticate` value sent with a 401 on this family's paths; the server's Bearer and Basic challenge when absent. */
  challenge?: string;
  /** The family's documented error body for a failure. */
  renderError(error: AppError): Record<string, unknown>;
  /** Reads the family's settings; throws ConfigError with one clear sentence on a bad value. */
  readConfig(env: NodeJS.ProcessEnv): Config;
  /** The family's composition root: repositories and services from the database and its settings. */
  createServices(context: FamilyContext<Config>): Services;
  createHandlers(services: Services): HandlerMap;
  /** Largest uploaded file the family accepts; multipart bodies are cut off while arriving above the largest of these. */
  maxUploadBytes?(config: Config): number;
  /** Request body limits for operations that legitimately send more than the server's small default. */
  bodyLimits?: Partial<Record<OperationId, string>>;
  /**
   * The family's keys in the content store and which of them its rows still reference, so that files a crash
   * left behind are removed at start (content/collect.ts). A family that writes no content, or whose content
   * callers may hold without any row (PLynx resources), has none: its keys are never removed.
   */
  contentReferences?(database: Database): ContentReferences;
}

/** True when `path` lies under `prefix` (the prefix itself, or the prefix followed by `/`). */
export function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** Identity helper that keeps a module's literal name and config types. */
export function defineFamily<Name extends string, Config, Services>(module: FamilyModule<Name, Config, Services>): FamilyModule<Name, Config, Services> {
  return module;
}

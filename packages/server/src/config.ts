// Configuration comes from the environment only, so a container, a systemd unit and a test all set it the
// same way. Every value is checked here; a bad one stops the server with one sentence (ConfigError).
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readBoolean, readChoice, readInteger } from './env.ts';
import { readFamilyConfigs, type FamilyConfigs } from './families.ts';
import { DEFAULT_SIGNIN_LIMITS, type SignInLimitConfig } from './http/sign-in-limits.ts';
import { readSessionSecret } from './identity/session-key.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  port: number;
  host: string;
  /** `file:<absolute path>` (SQLite) or `postgresql://...`. */
  databaseUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Express `trust proxy` setting: hop count, CIDR list, or false. */
  trustProxy: boolean | number | string;
  /** Accepted API tokens; empty means every caller is the single local user. */
  tokens: string[];
  /** Apply pending migrations at start (PIPELOOM_MIGRATE=false leaves that to `npm run db:migrate`). */
  migrate: boolean;
  /** Key that signs session tokens (PIPELOOM_TOKEN_SECRET); undefined: a key generated once and kept in the database. */
  tokenSecret: string | undefined;
  /** Folder for the server's files (uploads, outputs, logs); PIPELOOM_DATA_DIR, `data/` in the repository by default. */
  dataDir: string;
  /**
   * Content older than this that no row references is removed at start (PIPELOOM_CONTENT_GRACE_MINUTES, 60 by
   * default): long enough for any write still between storing its file and committing its row.
   */
  contentGraceMinutes: number;
  /** Each family's own settings (Torc's leases, ...). */
  families: FamilyConfigs;
  /** Milliseconds a client has to send a request's headers (PIPELOOM_HEADERS_TIMEOUT_MS, 10 s). */
  headersTimeoutMs: number;
  /** Milliseconds a client has to send a whole request, body included (PIPELOOM_REQUEST_TIMEOUT_MS, 300 s). */
  requestTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection is kept open (PIPELOOM_KEEP_ALIVE_TIMEOUT_MS, 65 s). */
  keepAliveTimeoutMs: number;
  /** Limits on failed sign-ins and session-token requests (see http/sign-in-limits.ts). */
  signInLimits: SignInLimitConfig;
}

// src/config.ts and dist/config.js sit at the same depth, so the repository root is the same for both.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DATA_DIR = path.join(repoRoot, 'data');
export const DEFAULT_DATABASE_URL = `file:${path.join(DEFAULT_DATA_DIR, 'pipeloom.db')}`;

/**
 * Makes a relative SQLite path absolute against the directory the user ran npm in (INIT_CWD), so
 * `file:./data/x.db` names the same file for `npm start`, `npm run db:migrate` and the tests, whichever
 * workspace directory npm switched into.
 */
export function resolveDatabaseUrl(url: string, base = process.env.INIT_CWD || process.cwd()): string {
  if (!url.startsWith('file:')) return url;
  const [file = '', query] = url.slice('file:'.length).split(/\?(.*)/s, 2);
  if (file === ':memory:' || path.isAbsolute(file)) return url;
  return `file:${path.resolve(base, file)}${query ? `?${query}` : ''}`;
}

function readDatabaseUrl(env: NodeJS.ProcessEnv): string {
  const url = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  if (!url.startsWith('file:') && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError(`DATABASE_URL must start with file: or postgresql://, got "${url.replace(/\/\/[^@]*@/, '//***@')}"`);
  }
  return resolveDatabaseUrl(url);
}

function readHost(env: NodeJS.ProcessEnv): string {
  const host = env.HOST?.trim() || '0.0.0.0';
  const hostname = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  if (!net.isIP(host) && !hostname.test(host)) throw new ConfigError(`HOST must be an IP address or a host name, got "${env.HOST}"`);
  return host;
}

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: readInteger(env, 'PORT', 8080, { min: 0, max: 65535, unit: 'a port number' }),
    host: readHost(env),
    databaseUrl: readDatabaseUrl(env),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    tokens: (env.PIPELOOM_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    migrate: readBoolean(env, 'PIPELOOM_MIGRATE', true),
    tokenSecret: readSessionSecret(env),
    dataDir: path.resolve(env.INIT_CWD || process.cwd(), env.PIPELOOM_DATA_DIR?.trim() || DEFAULT_DATA_DIR),
    contentGraceMinutes: readInteger(env, 'PIPELOOM_CONTENT_GRACE_MINUTES', 60, { unit: 'a whole number of minutes' }),
    families: readFamilyConfigs(env),
    ...readTimeouts(env),
    signInLimits: readSignInLimits(env),
  };
}

function readSignInLimits(env: NodeJS.ProcessEnv): SignInLimitConfig {
  const d = DEFAULT_SIGNIN_LIMITS;
  const count = { min: 1, unit: 'a whole number of attempts' };
  return {
    enabled: readBoolean(env, 'PIPELOOM_SIGNIN_LIMITS', d.enabled),
    failuresPerIp: readInteger(env, 'PIPELOOM_SIGNIN_FAILURES_PER_IP', d.failuresPerIp, count),
    failuresPerUser: readInteger(env, 'PIPELOOM_SIGNIN_FAILURES_PER_USER', d.failuresPerUser, count),
    tokenRequestsPerIp: readInteger(env, 'PIPELOOM_TOKEN_REQUESTS_PER_IP', d.tokenRequestsPerIp, count),
    windowSeconds: readInteger(env, 'PIPELOOM_SIGNIN_WINDOW_SECONDS', d.windowSeconds, { min: 1, unit: 'a whole number of seconds' }),
  };
}

function readTimeouts(env: NodeJS.ProcessEnv): Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'> {
  const ms = { min: 1, unit: 'a whole number of milliseconds' };
  // Headers are small: ten seconds is plenty for a real client, and short enough that connections which
  // send half a request and stall (slowloris) are dropped before they pile up.
  const headersTimeoutMs = readInteger(env, 'PIPELOOM_HEADERS_TIMEOUT_MS', 10_000, ms);
  // Node's own default; bodies include uploads of up to a gigabyte, so this is deliberately generous.
  const requestTimeoutMs = readInteger(env, 'PIPELOOM_REQUEST_TIMEOUT_MS', 300_000, ms);
  // Longer than common proxies' idle timeouts, so a proxy never reuses a socket we closed.
  const keepAliveTimeoutMs = readInteger(env, 'PIPELOOM_KEEP_ALIVE_TIMEOUT_MS', 65_000, ms);
  // Node refuses a headers timeout above the request timeout; say so in our words instead.
  if (headersTimeoutMs > requestTimeoutMs) throw new ConfigError(`PIPELOOM_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed PIPELOOM_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`);
  return { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs };
}

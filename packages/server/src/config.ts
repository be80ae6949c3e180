// Configuration comes from the environment only, so a container, a systemd unit and a test all set it the same way.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Config {
  port: number;
  host: string;
  /** `file:<path>` (SQLite) or `postgresql://...`. */
  databaseUrl: string;
  logLevel: string;
  /** Express `trust proxy` setting: hop count, CIDR list, or false. */
  trustProxy: boolean | number | string;
  /** Accepted API tokens; empty means every caller is the single local user. */
  tokens: string[];
  /** Seconds a claimed job may wait for start_job before it is handed out again. */
  claimLeaseSeconds: number;
  /** Seconds without hearing from a worker after which its running jobs are handed out again. */
  nodeLeaseSeconds: number;
}

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a whole number of seconds, got ${value}`);
  return n;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DATABASE_URL = `file:${path.join(repoRoot, 'data', 'pipeloom.db')}`;

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    tokens: (env.PIPELOOM_TOKENS ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    claimLeaseSeconds: seconds(env.PIPELOOM_CLAIM_LEASE_SECONDS, 60, 'PIPELOOM_CLAIM_LEASE_SECONDS'),
    nodeLeaseSeconds: seconds(env.PIPELOOM_NODE_LEASE_SECONDS, 120, 'PIPELOOM_NODE_LEASE_SECONDS'),
  };
}

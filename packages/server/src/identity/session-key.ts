// The key that signs session tokens. Every replica must sign with the same key, so it is either configured
// (PIPELOOM_TOKEN_SECRET) or made once and kept in the shared database, where the first replica to need
// it stores it and the rest read that one.
import crypto from 'node:crypto';
import { ConfigError } from '../env.ts';
import type { IdentityRepository } from './identity-repository.ts';
import type { SessionKeySource } from './session-tokens.ts';

/** The identity_secret row that holds the generated key. */
export const SESSION_KEY_NAME = 'session-signing-key';
/** Shortest configured secret accepted: HS256 wants a key at least as long as its 256-bit hash. */
export const MIN_SECRET_LENGTH = 32;

/** The configured secret when there is one, else a random key stored once in the database. */
export function sessionKeySource(repo: IdentityRepository, configured?: string): SessionKeySource {
  if (configured) {
    const key = new TextEncoder().encode(configured);
    return async () => key;
  }
  return async () => Buffer.from(await repo.secret(SESSION_KEY_NAME, crypto.randomBytes(32).toString('base64url')), 'base64url');
}

/** PIPELOOM_TOKEN_SECRET, or undefined when unset; a secret too short to be safe stops the server. */
export function readSessionSecret(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.PIPELOOM_TOKEN_SECRET?.trim();
  if (!value) return undefined;
  if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`PIPELOOM_TOKEN_SECRET must be at least ${MIN_SECRET_LENGTH} characters long, got ${value.length}`);
  return value;
}

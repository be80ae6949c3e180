// Users, passwords, API tokens and session tokens for the whole server. Tokens, passwords and the active
// flag are read on every request, so deactivations and new tokens count from the next request on. Only
// "the store is empty" is remembered, for a second, so a single-user server does not count users on every
// call; once a user exists that is remembered for good (users are never deleted).
import { AppError } from '../errors.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { IdentityRepository, TokenListing, UserRow } from './identity-repository.ts';
import { hashPassword, newToken, sameSecret, tokenHash, verifyPassword } from './passwords.ts';
import { sessionKeySource } from './session-key.ts';
import { looksLikeSessionToken, sessionTokens, type SessionPair } from './session-tokens.ts';

export interface Principal {
  user: string;
  isAdmin: boolean;
}

export interface UserSummary {
  username: string;
  active: boolean;
  isAdmin: boolean;
  hasPassword: boolean;
  createdAt: Date;
}

export type { TokenListing } from './identity-repository.ts';

export interface IdentityOptions {
  /** PIPELOOM_TOKENS entries: `user:token` pairs, or bare tokens that act as the admin user `admin`. */
  bootstrapTokens?: string[];
  clock?: Clock;
  /** Signs session tokens when set (PIPELOOM_TOKEN_SECRET); otherwise a key generated once and kept in the database. */
  sessionSecret?: string;
}

/**
 * The user every caller is while the server runs in single-user mode. It is never a stored user, and its
 * session tokens count only while single-user mode lasts (the authentication middleware lets every caller
 * in then, without looking at credentials); once users exist the name is refused, as PLynx refuses it.
 */
export const SINGLE_USER_NAME = 'default';

// A throwaway hash so an unknown user name costs as much scrypt work as a wrong password.
const DUMMY_HASH = hashPassword('not a password');
// Recording every use of a token would turn each read into a write; once a minute is precise enough.
const TOUCH_INTERVAL_MS = 60_000;
const EMPTY_STORE_RECHECK_MS = 1_000;

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function identityService(repo: IdentityRepository, { bootstrapTokens = [], clock = systemClock, sessionSecret }: IdentityOptions = {}) {
  const bootstrap = parseBootstrapTokens(bootstrapTokens);
  const bootstrapUsers = new Set(bootstrap.map((b) => b.user));
  const sessions = sessionTokens(sessionKeySource(repo, sessionSecret), clock);
  let usersExist = false;
  let emptyCheckedAt = -Infinity;

  async function requireUser(username: string): Promise<UserRow> {
    const user = await repo.findUser(username);
    if (!user) throw new AppError('DOCUMENT_NOT_FOUND', `No user named "${username}"`);
    return user;
  }

  /** Who a genuine session token stands for now: an active stored user, or a bootstrap user; never `default`. */
  async function sessionOwner(username: string): Promise<Principal | null> {
    if (username === SINGLE_USER_NAME) return null;
    const user = await repo.findUser(username);
    if (user) return user.active ? { user: user.username, isAdmin: user.isAdmin } : null;
    return bootstrapUsers.has(username) ? { user: username, isAdmin: username === 'admin' } : null;
  }

  async function setActive(username: string, active: boolean): Promise<void> {
    if (!(await repo.updateUser(username, { active }))) throw new AppError('DOCUMENT_NOT_FOUND', `No user named "${username}"`);
  }

  return {
    /** True while nobody is configured: no stored users and no bootstrap tokens, so every caller is the local user. */
    async isSingleUser(): Promise<boolean> {
      if (bootstrap.length || usersExist) return false;
      const now = clock.now();
      if (now - emptyCheckedAt < EMPTY_STORE_RECHECK_MS) return true;
      usersExist = (await repo.countUsers()) > 0;
      if (!usersExist) emptyCheckedAt = now;
      return !usersExist;
    },

    async addUser(username: string, { password, isAdmin = false }: { password?: string; isAdmin?: boolean } = {}): Promise<UserSummary> {
      if (!USERNAME.test(username)) throw new AppError('INVALID_ARGUMENT', 'A user name is 1 to 64 letters, digits, dots, dashes, underscores or @');
      if (username === SINGLE_USER_NAME) throw new AppError('INVALID_ARGUMENT', `"${SINGLE_USER_NAME}" is reserved for single-user mode; choose another name`);
      if (await repo.findUser(username)) throw new AppError('CONFLICT', `User "${username}" already exists`);
      const user = await repo.createUser({ username, passwordHash: password ? await hashPassword(password) : null, isAdmin });
      return summary(user);
    },

    async setPassword(username: string, password: string): Promise<void> {
      if (!password) throw new AppError('INVALID_ARGUMENT', 'The password must not be empty');
      const passwordHash = await hashPassword(password);
      if (!(await repo.updateUser(username, { passwordHash }))) throw new AppError('DOCUMENT_NOT_FOUND', `No user named "${username}"`);
    },

    deactivate: (username: string) => setActive(username, false),
    activate: (username: string) => setActive(username, true),

    listUsers: async (): Promise<UserSummary[]> => (await repo.listUsers()).map(summary),

    /** Whether each named user is active; names the store does not hold are left out. */
    activeStates: (usernames: string[]): Promise<Map<string, boolean>> => (usernames.length ? repo.activeStates(usernames) : Promise.resolve(new Map())),

    /** A new API token for the user; only its hash is stored, so this is the one time it can be shown. */
    async issueToken(username: string, name = 'api', { expiresAt }: { expiresAt?: Date } = {}): Promise<string> {
      const user = await requireUser(username);
      const token = newToken();
      await repo.createToken(user.id, tokenHash(token), name, expiresAt ?? null);
      return token;
    },

    /** The user's API tokens, oldest first: names and dates only; the tokens themselves are not kept. */
    async listTokens(username: string): Promise<TokenListing[]> {
      return repo.listTokens((await requireUser(username)).id);
    },

    /** Makes the token stop working at `at` (now by default); a later time sets or moves its expiry. */
    async expireToken(id: number, at: Date = new Date(clock.now())): Promise<TokenListing> {
      return (await repo.updateToken(id, { expiresAt: at })) ?? tokenNotFound(id);
    },

    /** Refuses the token from the next request on, for good. */
    async revokeToken(id: number): Promise<TokenListing> {
      return (await repo.updateToken(id, { revokedAt: new Date(clock.now()) })) ?? tokenNotFound(id);
    },

    /**
     * A fresh access and refresh token for a caller who has already proved who they are. Issuing checks
     * nothing more; every later use of the tokens checks the user again.
     */
    issueSession: (username: string): Promise<SessionPair> => sessions.issue(username),

    /**
     * The token's active owner, or null. A token is tried as a bootstrap token, then as a session token
     * (access or refresh; checked by signature, without touching the database unless genuine), then as a
     * stored API token.
     */
    async authenticateToken(token: string): Promise<Principal | null> {
      if (!token) return null;
      const boot = bootstrapUser(bootstrap, token);
      if (boot) return { user: boot, isAdmin: boot === 'admin' };
      if (looksLikeSessionToken(token)) {
        const claims = await sessions.verify(token);
        return claims ? sessionOwner(claims.username) : null;
      }
      const row = await repo.findToken(tokenHash(token));
      if (!row || !row.user.active || row.revokedAt) return null;
      const now = clock.now();
      if (row.expiresAt && row.expiresAt.getTime() <= now) return null;
      if (!row.lastUsedAt || now - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) await repo.touchToken(row.id, new Date(now));
      return { user: row.user.username, isAdmin: row.user.isAdmin };
    },

    /**
     * The active user with this password, or null; takes the same time whether or not the user exists.
     * A name no user could have (an expired token sent with a password, say) is refused without scrypt.
     */
    async authenticatePassword(username: string, password: string): Promise<Principal | null> {
      if (!USERNAME.test(username)) return null;
      const user = await repo.findUser(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH));
      return ok && user?.active && user.passwordHash ? { user: user.username, isAdmin: user.isAdmin } : null;
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;

interface BootstrapToken {
  user: string;
  /** sha256 of the token, so every comparison is between equal-length digests. */
  digest: Buffer;
}

function parseBootstrapTokens(entries: string[]): BootstrapToken[] {
  return entries.map((entry) => {
    const i = entry.indexOf(':');
    const [user, token] = i > 0 ? [entry.slice(0, i), entry.slice(i + 1)] : ['admin', entry];
    return { user, digest: Buffer.from(tokenHash(token), 'hex') };
  });
}

/**
 * The user of the bootstrap token `token`, or undefined. Every configured token is compared, in constant
 * time, so how long this takes says nothing about how much of a token was right; the last match wins, as
 * a later PIPELOOM_TOKENS entry overrode an earlier one before.
 */
function bootstrapUser(tokens: BootstrapToken[], token: string): string | undefined {
  if (!tokens.length) return undefined;
  const digest = Buffer.from(tokenHash(token), 'hex');
  let user: string | undefined;
  for (const t of tokens) if (sameSecret(digest, t.digest)) user = t.user;
  return user;
}

function tokenNotFound(id: number): never {
  throw new AppError('DOCUMENT_NOT_FOUND', `No token with id ${id}`);
}

function summary(user: UserRow): UserSummary {
  return { username: user.username, active: user.active, isAdmin: user.isAdmin, hasPassword: user.passwordHash !== null, createdAt: user.createdAt };
}

// The identity store's only Prisma user. Every read goes to the database, so a user added, deactivated or
// given a token by the admin command takes effect on the server's next request. The two reads made per
// request (a user by name, a token with its user) run on the driver path and return the model API's rows.
import { sqlClientFor, type Db } from '../db/client.ts';
import { sql } from '../db/sql.ts';

export interface UserRow {
  id: number;
  username: string;
  passwordHash: string | null;
  active: boolean;
  isAdmin: boolean;
  createdAt: Date;
}

export interface TokenRow {
  id: number;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  user: UserRow;
}

/** A token as the admin command lists it: everything but the hash. */
export interface TokenListing {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const LISTING = { id: true, name: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } as const;

const USER = sql`SELECT "id", "username", "password_hash" AS "passwordHash", "active", "is_admin" AS "isAdmin", "created_at" AS "createdAt" FROM "identity_user"`;

interface TokenJoinRow {
  id: number;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  userId: number;
  username: string;
  passwordHash: string | null;
  active: boolean;
  isAdmin: boolean;
  createdAt: Date;
}

export function identityRepository(db: Db) {
  const reads = sqlClientFor(db);
  return {
    findUser: async (username: string): Promise<UserRow | null> =>
      (await reads.$queryRaw<UserRow[]>(sql`${USER} WHERE "username" = ${username}`))[0] ?? null,
    /** Active flags of the named users that exist. */
    activeStates: async (usernames: string[]): Promise<Map<string, boolean>> =>
      new Map((await db.identityUser.findMany({ where: { username: { in: usernames } }, select: { username: true, active: true } })).map((u) => [u.username, u.active])),
    listUsers: (): Promise<UserRow[]> => db.identityUser.findMany({ orderBy: { username: 'asc' } }),
    countUsers: (): Promise<number> => db.identityUser.count(),
    createUser: (data: { username: string; passwordHash: string | null; isAdmin: boolean }): Promise<UserRow> => db.identityUser.create({ data }),
    /** Null when there is no such user. */
    async updateUser(username: string, data: { passwordHash?: string | null; active?: boolean }): Promise<UserRow | null> {
      const { count } = await db.identityUser.updateMany({ where: { username }, data });
      return count ? db.identityUser.findUnique({ where: { username } }) : null;
    },
    createToken: (userId: number, tokenHash: string, name: string, expiresAt: Date | null = null): Promise<TokenListing> =>
      db.identityToken.create({ data: { userId, tokenHash, name, expiresAt }, select: LISTING }),
    listTokens: (userId: number): Promise<TokenListing[]> => db.identityToken.findMany({ where: { userId }, orderBy: { id: 'asc' }, select: LISTING }),
    /** Null when there is no such token. */
    async updateToken(id: number, data: { expiresAt?: Date | null; revokedAt?: Date }): Promise<TokenListing | null> {
      const { count } = await db.identityToken.updateMany({ where: { id }, data });
      return count ? db.identityToken.findUnique({ where: { id }, select: LISTING }) : null;
    },
    async findToken(tokenHash: string): Promise<TokenRow | null> {
      const [row] = await reads.$queryRaw<TokenJoinRow[]>(sql`
        SELECT t."id", t."last_used_at" AS "lastUsedAt", t."expires_at" AS "expiresAt", t."revoked_at" AS "revokedAt", u."id" AS "userId", u."username", u."password_hash" AS "passwordHash",
               u."active", u."is_admin" AS "isAdmin", u."created_at" AS "createdAt"
        FROM "identity_token" t JOIN "identity_user" u ON u."id" = t."user_id" WHERE t."token_hash" = ${tokenHash}`);
      if (!row) return null;
      const { userId, username, passwordHash, active, isAdmin, createdAt } = row;
      return { id: row.id, lastUsedAt: row.lastUsedAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt, user: { id: userId, username, passwordHash, active, isAdmin, createdAt } };
    },
    touchToken: (id: number, at: Date) => db.identityToken.update({ where: { id }, data: { lastUsedAt: at } }),
    /**
     * Stores `value` under `name` unless a value is already there, then answers the stored one. Replicas that
     * race here all end up with the first value written: the insert is one statement that yields on conflict.
     */
    async secret(name: string, value: string): Promise<string> {
      const stored = await db.identitySecret.findUnique({ where: { name } });
      if (stored) return stored.value;
      await db.$executeRaw`INSERT INTO "identity_secret" ("name", "value") VALUES (${name}, ${value}) ON CONFLICT ("name") DO NOTHING`;
      const row = await db.identitySecret.findUniqueOrThrow({ where: { name } });
      return row.value;
    },
  };
}

export type IdentityRepository = ReturnType<typeof identityRepository>;

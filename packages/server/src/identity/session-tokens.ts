// Session tokens: a short-lived access token and a refresh token that does not expire, both JWTs signed
// with HS256. They name the user and their kind only; whether that user may still sign in is looked up in
// the store on every use, so deactivating a user ends their sessions at once without a revocation list.
// Checking one costs an HMAC, never scrypt.
import crypto from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.ts';

export type SessionKind = 'access' | 'refresh';

/** Seconds an access token stays valid. */
export const ACCESS_TOKEN_SECONDS = 600;

export interface SessionClaims {
  username: string;
  type: SessionKind;
}

export interface SessionPair {
  accessToken: string;
  refreshToken: string;
}

/** Where the signing key comes from; asked once, and again only after a failure. */
export type SessionKeySource = () => Promise<Uint8Array>;

const ALGORITHM = 'HS256';
// Three base64url parts: what a JWT looks like. API tokens never contain a dot.
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** True when `token` is shaped like a session token, so it is worth an HMAC rather than a store lookup. */
export const looksLikeSessionToken = (token: string): boolean => JWT_SHAPE.test(token);

/** Signs and checks session tokens with the key from `keySource`, on `clock`'s time. */
export function sessionTokens(keySource: SessionKeySource, clock: Clock) {
  let key: Promise<Uint8Array> | undefined;
  const signingKey = (): Promise<Uint8Array> => {
    // A failed read (the database was busy) is not remembered, so the next request tries again.
    key ??= keySource().catch((e: unknown) => {
      key = undefined;
      throw e;
    });
    return key;
  };

  async function sign(username: string, type: SessionKind): Promise<string> {
    const now = Math.floor(clock.now() / 1000);
    const jwt = new SignJWT({ username, type } satisfies SessionClaims)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuedAt(now)
      // Two pairs issued within one second must still differ.
      .setJti(crypto.randomBytes(9).toString('base64url'));
    if (type === 'access') jwt.setExpirationTime(now + ACCESS_TOKEN_SECONDS);
    return jwt.sign(await signingKey());
  }

  return {
    /** A new access and refresh token for `username`. */
    async issue(username: string): Promise<SessionPair> {
      const [accessToken, refreshToken] = await Promise.all([sign(username, 'access'), sign(username, 'refresh')]);
      return { accessToken, refreshToken };
    },

    /** The claims of a genuine, unexpired session token, or null for anything else. */
    async verify(token: string): Promise<SessionClaims | null> {
      if (!looksLikeSessionToken(token)) return null;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await signingKey(), { algorithms: [ALGORITHM], currentDate: new Date(clock.now()) }));
      } catch (e) {
        // Forged, expired, malformed or signed with another algorithm: not a session.
        if (e instanceof errors.JOSEError) return null;
        throw e;
      }
      const { username, type } = payload;
      if (typeof username !== 'string' || !username) return null;
      if (type === 'refresh' && payload.exp === undefined) return { username, type };
      // An access token without an expiry was not made here.
      if (type === 'access' && typeof payload.exp === 'number') return { username, type };
      return null;
    },
  };
}

export type SessionTokens = ReturnType<typeof sessionTokens>;

// One place decides who the caller is. Handlers receive an Identity and never read credentials themselves,
// so permissions can grow here without touching them. Callers are checked against the identity store on
// every request, so users and tokens added or deactivated while the server runs count at once.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.ts';
import { FAMILY_MODULES } from '../families.ts';
import type { IdentityService, Principal } from '../identity/identity-service.ts';
import type { SignInLimiter } from './sign-in-limits.ts';
import { HEALTH_PATHS } from './health.ts';

export interface Identity {
  user: string;
  /** How the caller proved it: no credentials configured (local), a bearer token, or HTTP Basic. */
  via: 'local' | 'bearer' | 'basic';
  isAdmin: boolean;
}

export const LOCAL_IDENTITY: Identity = Object.freeze({ user: 'local', via: 'local', isAdmin: true });

/**
 * A test for paths from a list of exact paths and path templates, where a `{name}` segment stands for any
 * one non-empty segment: `/plynx/api/v0/resource/{resource_id}`.
 */
export function pathMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('{')));
  const templates = patterns.filter((p) => p.includes('{')).map((p) => new RegExp(`^${p.split(/\{[^/{}]+\}/).map(escapeRegExp).join('[^/]+')}$`));
  return (path) => exact.has(path) || templates.some((t) => t.test(path));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Paths anyone may read: the server's probes, the API description, and each family's own public paths. */
const isPublicPath = pathMatcher(['/', ...HEALTH_PATHS, '/openapi.yaml', '/openapi.json', ...FAMILY_MODULES.flatMap((m) => m.publicPaths)]);
const isPublic = (path: string) => isPublicPath(path) || path === '/docs' || path.startsWith('/docs/');

/**
 * Accepts `Authorization: Bearer <token>` and HTTP Basic. PLynx clients send Basic with a token in the
 * username field, so that field is tried as a token first and only then as a user name with its password.
 * A token is an API token, a bootstrap token or a session token (access or refresh), on every family.
 * With no users stored and no bootstrap tokens configured, every caller is the local user. Public paths
 * need no credentials, but credentials that are sent must be valid there too, so a mistake shows at once.
 */
export function authenticate(identity: IdentityService, limiter: SignInLimiter = NO_LIMITS) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // req.ip honours TRUST_PROXY, so behind a proxy this is the client's address, not the proxy's.
    const ip = req.ip ?? req.socket.remoteAddress ?? '';
    if (isSignInPath(req.path)) limiter.tokenRequest(ip);
    if (await identity.isSingleUser()) {
      res.locals.identity = LOCAL_IDENTITY;
      return next();
    }
    const header = req.headers.authorization ?? '';
    const via: Identity['via'] = /^basic /i.test(header) ? 'basic' : 'bearer';
    const principal = header ? await principalFrom(identity, header, limiter, ip) : null;
    if (principal) {
      res.locals.identity = { ...principal, via } satisfies Identity;
      return next();
    }
    if (!header && isPublic(req.path)) {
      res.locals.identity = { user: 'anonymous', via, isAdmin: false } satisfies Identity;
      return next();
    }
    next(new AppError('UNAUTHENTICATED'));
  };
}

const NO_LIMITS: SignInLimiter = { checkSignIn() {}, failedSignIn() {}, tokenRequest() {} };

/** Paths that hand out session tokens; each request to one counts against the caller's address. */
const isSignInPath = pathMatcher(FAMILY_MODULES.flatMap((m) => m.signInPaths ?? []));

// The scheme, then exactly one credential: `Bearer <token> garbage` is no credential at all.
const CREDENTIALS = /^(\S+) +(\S+) *$/;
// No stored token or base64 user:password comes near this; longer values are refused without a lookup.
const MAX_CREDENTIAL_CHARS = 4096;

async function principalFrom(identity: IdentityService, header: string, limiter: SignInLimiter, ip: string): Promise<Principal | null> {
  const match = CREDENTIALS.exec(header);
  if (!match || match[2]!.length > MAX_CREDENTIAL_CHARS) return null;
  const scheme = match[1]!.toLowerCase();
  const value = match[2]!;
  if (scheme === 'bearer') return identity.authenticateToken(value);
  if (scheme !== 'basic') return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // Tokens are 256-bit random or signed, so trying them is not limited; a user name and password is a guess
  // worth limiting, and the limit holds even for the right password, or a guesser would learn it anyway.
  const asToken = await identity.authenticateToken(username);
  if (asToken) return asToken;
  limiter.checkSignIn(ip, username);
  const principal = password ? await identity.authenticatePassword(username, password) : null;
  if (!principal) limiter.failedSignIn(ip, username);
  return principal;
}

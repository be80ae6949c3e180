// One place decides who the caller is. Handlers receive an Identity and never read credentials themselves,
// so users, token stores and permissions can grow here without touching them.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.ts';
import { FAMILY_MODULES } from '../families.ts';
import { HEALTH_PATHS } from './health.ts';

export interface Identity {
  user: string;
  /** How the caller proved it: no credentials configured (local), a bearer token, or HTTP Basic. */
  via: 'local' | 'bearer' | 'basic';
  isAdmin: boolean;
}

export const LOCAL_IDENTITY: Identity = Object.freeze({ user: 'local', via: 'local', isAdmin: true });

/** Paths anyone may read: the server's probes, the API description, and each family's own public paths. */
const PUBLIC_PATHS = new Set<string>(['/', ...HEALTH_PATHS, '/openapi.yaml', '/openapi.json', ...FAMILY_MODULES.flatMap((m) => m.publicPaths)]);
const isPublic = (path: string) => PUBLIC_PATHS.has(path) || path === '/docs' || path.startsWith('/docs/');

/**
 * `tokens` are `user:token` pairs or bare tokens (user `admin`). With none configured every caller is the
 * local user. PLynx clients send HTTP Basic with the token (or user name) in the username field.
 */
export function authenticate(tokens: string[]) {
  const byToken = new Map<string, string>();
  for (const entry of tokens) {
    const i = entry.indexOf(':');
    if (i > 0) byToken.set(entry.slice(i + 1), entry.slice(0, i));
    else byToken.set(entry, 'admin');
  }
  return (req: Request, res: Response, next: NextFunction) => {
    if (byToken.size === 0) {
      res.locals.identity = LOCAL_IDENTITY;
      return next();
    }
    const header = req.headers.authorization ?? '';
    const [scheme, value = ''] = header.split(' ', 2);
    let token: string | undefined;
    let via: Identity['via'] = 'bearer';
    if (scheme?.toLowerCase() === 'bearer') token = value.trim();
    else if (scheme?.toLowerCase() === 'basic') {
      via = 'basic';
      token = Buffer.from(value, 'base64').toString('utf8').split(':', 1)[0];
    }
    const user = token ? byToken.get(token) : undefined;
    if (user) {
      res.locals.identity = { user, via, isAdmin: user === 'admin' } satisfies Identity;
      return next();
    }
    if (isPublic(req.path)) {
      res.locals.identity = { user: 'anonymous', via, isAdmin: false } satisfies Identity;
      return next();
    }
    next(new AppError('UNAUTHENTICATED'));
  };
}

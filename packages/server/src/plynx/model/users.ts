// PLynx stores a graph's or node's author as the ObjectId of a user document. Pipeloom's users live in the
// shared identity store under their names, so the ObjectId is derived from the name: stable across
// replicas and restarts, and the same for bootstrap-token users and the single-user `default`.
import crypto from 'node:crypto';
import type { Identity } from '../../http/auth.ts';
import type { PlynxUser } from './types.ts';

/** The user every caller is when the server has no users or tokens configured, as in PLynx. */
export const SINGLE_USER = 'default';

export function userObjectId(username: string): string {
  return crypto.createHash('sha256').update(`pipeloom-user\0${username}`).digest('hex').slice(0, 24);
}

/** The PLynx user behind a request's identity. */
export function plynxUser(identity: Identity): PlynxUser {
  const username = identity.via === 'local' ? SINGLE_USER : identity.user;
  return { username, id: userObjectId(username), isAdmin: identity.isAdmin };
}

/** Whether `user` may change a graph or node whose `author` is `authorId`: its author, or an administrator. */
export function mayChange(authorId: string | null | undefined, user: PlynxUser): boolean {
  return user.isAdmin || authorId === user.id;
}

// Builds the identity service on a database: the server and the admin command share this wiring.
import type { Db } from '../db/client.ts';
import { identityRepository } from './identity-repository.ts';
import { identityService, type IdentityOptions, type IdentityService } from './identity-service.ts';
import { readSessionSecret } from './session-key.ts';

/** The identity service on `db`; the session-token secret comes from PIPELOOM_TOKEN_SECRET unless given. */
export function createIdentity(db: Db, options: IdentityOptions = {}): IdentityService {
  return identityService(identityRepository(db), {
    ...options,
    sessionSecret: 'sessionSecret' in options ? options.sessionSecret : readSessionSecret(process.env),
  });
}

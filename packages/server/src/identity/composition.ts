// Builds the identity service on a database: the server and the admin command share this wiring.
import type { Db } from '../db/client.ts';
import { identityRepository } from './identity-repository.ts';
import { identityService, type IdentityOptions, type IdentityService } from './identity-service.ts';

/** The identity service on `db`; without `sessionSecret`, session tokens are signed with the key kept in the database. */
export function createIdentity(db: Db, options: IdentityOptions = {}): IdentityService {
  return identityService(identityRepository(db), options);
}

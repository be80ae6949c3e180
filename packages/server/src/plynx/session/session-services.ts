// The services of PLynx's session area (the token endpoint and the master's state), built once per server.
import type { FamilyContext } from '../../family/module.ts';
import type { PlynxConfig } from '../config.ts';
import { masterStateService, type MasterStateService, type WorkerLister } from './master-state-service.ts';
import { tokenService, type TokenService } from './token-service.ts';

export interface SessionServices {
  tokens: TokenService;
  masterState: MasterStateService;
}

/** The session area's services, built once per server from the family's context and the run workers. */
export function createSessionServices({ identity, clock }: FamilyContext<PlynxConfig>, workers?: WorkerLister): SessionServices {
  return { tokens: tokenService(identity), masterState: masterStateService(clock, workers) };
}

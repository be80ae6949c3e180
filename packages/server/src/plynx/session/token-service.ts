// `GET /token`: a session token pair for whoever called. The caller has already proved who they are (a
// password, an API token, or a refresh token as the Basic user name, which is how PLynx clients refresh),
// so this only names the PLynx user and asks the identity store to sign.
import type { Identity } from '../../http/auth.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import { plynxUser } from '../model/users.ts';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

/** Issues PLynx token pairs from the shared identity store. */
export function tokenService(identity: IdentityService) {
  return {
    /** A new access token (ten minutes) and refresh token (no expiry) for the caller; `default` in single-user mode. */
    async issue(caller: Identity): Promise<TokenPair> {
      const { accessToken, refreshToken } = await identity.issueSession(plynxUser(caller).username);
      return { access_token: accessToken, refresh_token: refreshToken };
    },
  };
}

export type TokenService = ReturnType<typeof tokenService>;

// Search results carry their author as PLynx's `_user` join: `[{_id, username, active}]`. Users come from the
// shared identity store; names it does not hold (the single user `default`, bootstrap-token users) are
// active by definition.
import type { IdentityService } from '../../identity/identity-service.ts';
import type { UserSummary } from '../model/types.ts';
import { userObjectId } from '../model/users.ts';

export type AuthorDirectory = (usernames: Array<string | null>) => Promise<Map<string, UserSummary>>;

export function authorDirectory(identity: IdentityService): AuthorDirectory {
  return async (usernames) => {
    const names = [...new Set(usernames.filter((n): n is string => n !== null))];
    const active = await identity.activeStates(names);
    return new Map(names.map((username) => [username, { _id: userObjectId(username), username, active: active.get(username) ?? true }]));
  };
}

/** The `_user` list of one search result. */
export const userList = (authors: Map<string, UserSummary>, authorName: string | null): UserSummary[] => {
  const user = authorName === null ? undefined : authors.get(authorName);
  return user ? [user] : [];
};

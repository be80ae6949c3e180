// Who may read what a Dioptra user made. A testbed (the default, and upstream's only behaviour) shares every
// experiment and job with every user; a private server (PIPELOOM_DIOPTRA_SHARING=private) shows a user only
// the experiments they registered and the jobs they submitted or that run on a queue they registered.
// Administrators see everything either way. Queues and task plugins are the testbed's equipment and stay
// shared. What a caller may not see is answered as if it did not exist, so its existence does not leak.
import type { Identity } from '../http/auth.ts';

export const SHARING_MODES = ['testbed', 'private'] as const;
export type Sharing = (typeof SHARING_MODES)[number];

export interface Visibility {
  /** True when the caller may read something made by `owners` (any one of them; null: made before owners were kept). */
  sees(caller: Identity, ...owners: (string | null)[]): boolean;
  /** The user whose things a list must be limited to, or undefined when the caller sees everything. */
  limitTo(caller: Identity): string | undefined;
}

export function visibility(sharing: Sharing): Visibility {
  const seesAll = (caller: Identity) => sharing === 'testbed' || caller.isAdmin;
  return {
    sees: (caller, ...owners) => seesAll(caller) || owners.includes(caller.user),
    limitTo: (caller) => (seesAll(caller) ? undefined : caller.user),
  };
}

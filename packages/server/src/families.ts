// The four API families share one server; the path decides which family (and so which error shape) a request belongs to.
export type Family = 'torc' | 'plynx' | 'dioptra' | 'flow';

export const FAMILIES: readonly Family[] = ['torc', 'plynx', 'dioptra', 'flow'];

export function familyOf(path: string): Family | undefined {
  if (path.startsWith('/torc-service/') || path === '/torc-service') return 'torc';
  if (path.startsWith('/plynx/api/v0')) return 'plynx';
  if (path.startsWith('/api/v1/')) return 'flow';
  if (/^\/api\/(experiment|job|queue|taskPlugin)(\/|$)/.test(path)) return 'dioptra';
  return undefined;
}

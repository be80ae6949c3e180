// A scripted PLynx server for unit tests: the client gets this fetch, so nothing global is mocked. Each
// request is recorded with its decoded Basic user name and parsed JSON body.
export interface Recorded {
  method: string;
  path: string;
  /** The user name of the Basic credentials (the token), or null without credentials. */
  user: string | null;
  body: unknown;
}

type Handler = (request: Recorded) => Response | Promise<Response>;

export const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const unauthorized = () =>
  new Response('Could not verify your access level for that URL', { status: 401, headers: { 'www-authenticate': 'PlynxBasic realm="Login Required"' } });

export const ENDPOINT = 'http://plynx.test/plynx/api/v0';

function basicUser(header: string | null): string | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(0, decoded.indexOf(':'));
}

/** A fetch answering `METHOD /path` (path after the API prefix) from `routes`; anything else is a 404. */
export function fakePlynx(routes: Record<string, Handler>) {
  const requests: Recorded[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = await request.text();
    const contentType = request.headers.get('content-type') ?? '';
    const recorded: Recorded = {
      method: request.method,
      path: url.pathname.replace('/plynx/api/v0', ''),
      user: basicUser(request.headers.get('authorization')),
      body: text && contentType.includes('json') ? JSON.parse(text) : text || undefined,
    };
    requests.push(recorded);
    const handler = routes[`${recorded.method} ${recorded.path}`];
    return handler ? handler(recorded) : json({ status: 'failed', message: `no route ${recorded.method} ${recorded.path}` }, 404);
  };
  return { fetch, requests, lines: () => requests.map((r) => `${r.method} ${r.path} as ${r.user}`) };
}

/** A /token route trading `refresh` for access tokens `access-1`, `access-2`, ... */
export function tokenRoute(refresh = 'refresh-token') {
  let issued = 0;
  return (r: Recorded) => (r.user === refresh ? json({ access_token: `access-${++issued}`, refresh_token: refresh }) : unauthorized());
}

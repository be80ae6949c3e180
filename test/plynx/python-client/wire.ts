// The HTTP requests PLynx's python client makes, as python-requests puts them on the wire, sent with
// node:http so that nothing (fetch, an SDK) adds, reorders or re-encodes a header or a body byte.
import http from 'node:http';
import zlib from 'node:zlib';

/** The requests release current when PLynx 0.2.10 shipped (November 2019); only its User-Agent shows. */
export const REQUESTS_VERSION = '2.22.0';

/** One request exactly as sent: header order and spelling included. */
export interface WireRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Array<[string, string]>;
  /** The body bytes as sent (json.dumps output is pure ASCII, which http.client sends as is). */
  body?: string;
}

/** One answer as the client sees it: `response.status_code`, `response.content` (decoded if compressed). */
export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Exchange {
  request: WireRequest;
  response: WireResponse;
}

/** requests' `_basic_auth_str(user, '')`: the token as the user name and an empty password. */
export function basicAuth(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'latin1').toString('base64')}`;
}

/**
 * The request python-requests builds for `requests.get|post(url, headers={"Content-Type":
 * "application/json"}, auth=(user, ''), data=body)`: http.client's Host first, then the session defaults
 * (User-Agent, Accept-Encoding, Accept, Connection), the caller's Content-Type, Content-Length when there
 * is a body, and Authorization last (auth is applied after the body is prepared).
 */
export function requestsRequest(method: 'GET' | 'POST', url: string, user: string, body?: string): WireRequest {
  const headers: Array<[string, string]> = [
    ['Host', new URL(url).host],
    ['User-Agent', `python-requests/${REQUESTS_VERSION}`],
    ['Accept-Encoding', 'gzip, deflate'],
    ['Accept', '*/*'],
    ['Connection', 'keep-alive'],
    ['Content-Type', 'application/json'],
  ];
  if (body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(body, 'latin1'))]);
  headers.push(['Authorization', basicAuth(user)]);
  return { method, url, headers, ...(body !== undefined ? { body } : {}) };
}

/** Sends the request byte for byte on a fresh connection (module-level requests.get/post open a new session each call). */
export function send(request: WireRequest): Promise<WireResponse> {
  const url = new URL(request.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: `${url.pathname}${url.search}`,
        setHost: false,
        agent: false,
        headers: request.headers.flat(),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          // requests (urllib3) undoes the Content-Encoding it asked for before `response.content`.
          const encoding = res.headers['content-encoding'];
          const body = encoding === 'gzip' ? zlib.gunzipSync(raw) : encoding === 'deflate' ? zlib.inflateSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (request.body !== undefined) req.end(Buffer.from(request.body, 'latin1'));
    else req.end();
  });
}

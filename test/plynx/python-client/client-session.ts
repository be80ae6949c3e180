// What PLynx 0.2.10's python client (`plynx.api`) does on the wire, re-enacted for a test: which requests
// it sends for `Client`, `_get_obj`, `_save_graph` and the token refresh, and how it reads each answer. Every
// read below is one the client makes; where the client would raise, this raises a ClientError naming the
// Python exception, so a test sees exactly when the real client would stop.
import fs from 'node:fs';
import { pyGet, pyList, pyLoads, pyMap, pyStr, type PyDict, type PyValue } from './python-json.ts';
import { pyDumps, pyDict } from './python-json.ts';
import { requestsRequest, send, type Exchange, type WireRequest, type WireResponse } from './wire.ts';

/** The exception the python client raises; `kind` is its class name. */
export class ClientError extends Error {
  constructor(
    readonly kind: 'ApiActionError' | 'GraphFailed' | 'InvalidUssageError' | 'JSONDecodeError' | 'KeyError',
    message: string,
    /** What the client logged before raising (the validation tree for VALIDATION_FAILED). */
    readonly logged: string[] = [],
  ) {
    super(`${kind}: ${message}`);
  }
}

/**
 * The actions the client posts with a graph: its own layout action name, then SAVE or APPROVE. Every
 * release of the 0.2 line names the layout action AUTO_LAYOUT (the server's REARRANGE) and wraps graph and
 * actions in a `body` envelope; none posts a bare REARRANGE.
 */
export const CLIENT_LAYOUT_ACTION = 'AUTO_LAYOUT';

/** requests' `response.ok`: any status below 400. */
const ok = (status: number) => status < 400;

/** `json.loads(response.content)`: bytes decoded as UTF-8; a body that is not JSON raises. */
function loads(response: WireResponse): PyValue {
  try {
    return pyLoads(response.body.toString('utf8'));
  } catch (e) {
    throw new ClientError('JSONDecodeError', `${(e as Error).message}: ${response.body.toString('utf8').slice(0, 200)}`);
  }
}

export class PythonClientSession {
  /** Every request and answer, in order. */
  readonly exchanges: Exchange[] = [];
  /** `client.access_token`: none until the first call asks for one. */
  accessToken: string | null = null;

  /**
   * `Client(token=refresh_token, endpoint=endpoint)`. The endpoint is used as given: paths are appended
   * after a `/`, so an endpoint ending in `/` yields `//` in every URL.
   */
  constructor(
    readonly endpoint: string,
    private readonly refreshToken: string,
  ) {}

  /** `Client(token_path=path)`: the refresh token is the file's first line without trailing whitespace. */
  static fromTokenFile(endpoint: string, tokenPath: string): PythonClientSession {
    const firstLine = fs.readFileSync(tokenPath, 'utf8').split('\n')[0] ?? '';
    return new PythonClientSession(endpoint, firstLine.replace(/\s+$/, ''));
  }

  private async exchange(request: WireRequest): Promise<WireResponse> {
    const response = await send(request);
    this.exchanges.push({ request, response });
    return response;
  }

  /** `client.update_token()`: GET <endpoint>/token with the refresh token; the answer is parsed before its status is checked. */
  async updateToken(): Promise<void> {
    const response = await this.exchange(requestsRequest('GET', `${this.endpoint}/token`, this.refreshToken));
    const content = loads(response);
    this.accessToken = ok(response.status) ? pyStr(content, 'access_token') : null;
  }

  /** `client.get_token()`: fetches an access token only when it has none. */
  private async token(): Promise<string> {
    if (!this.accessToken) await this.updateToken();
    // requests turns a None user name into the text "None" (with a deprecation warning).
    return this.accessToken ?? 'None';
  }

  /**
   * Three attempts: a 2xx/3xx ends the loop; a 401 fetches a new access token first; any other failure is
   * simply repeated. (The client sleeps a second after each failed attempt; the replay does not wait.)
   * After three failures the raw body becomes the ApiActionError message.
   */
  private async withRetries(build: (token: string) => WireRequest): Promise<PyValue> {
    let response: WireResponse | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      response = await this.exchange(build(await this.token()));
      if (ok(response.status)) break;
      if (response.status === 401) await this.updateToken();
    }
    if (!response || !ok(response.status)) throw new ClientError('ApiActionError', response?.body.toString('utf8') ?? '');
    return loads(response);
  }

  /** `_get_obj(path, id, client)`: GET <endpoint>/<path>/<id>, answer's `data`. */
  async getObj(path: 'nodes' | 'graphs', id: string): Promise<PyDict> {
    const content = await this.withRetries((token) => requestsRequest('GET', `${this.endpoint}/${path}/${id}`, token));
    return pyMap(content, 'data');
  }

  /**
   * `_save_graph(graph, actions, client)`: POST <endpoint>/graphs with `{"body": {"graph", "actions"}}`.
   * Reads `status` (compared upper-cased), then `graph` and `url`; VALIDATION_FAILED logs the tree under
   * `validation_error` and raises with `message`, any other status raises with `message`.
   */
  async saveGraph(graph: PyDict, actions: string[]): Promise<{ graph: PyDict; url: string }> {
    const body = pyDumps(pyDict([['body', pyDict([['graph', graph], ['actions', actions]])]]));
    const content = await this.withRetries((token) => requestsRequest('POST', `${this.endpoint}/graphs`, token, body));
    const status = pyStr(content, 'status').toUpperCase();
    if (status !== 'SUCCESS') {
      const logged: string[] = [];
      if (status === 'VALIDATION_FAILED') {
        logged.push('Validation error:');
        logValidationTree(pyGet(content, 'validation_error'), logged);
      }
      throw new ClientError('ApiActionError', pyStr(content, 'message'), logged);
    }
    return { graph: pyMap(content, 'graph'), url: pyStr(content, 'url') };
  }
}

/** The client's walk over a validation tree: IN_DEPENDENTS recurses, three codes get a line each. */
function logValidationTree(error: PyValue, logged: string[]): void {
  for (const child of pyList(error, 'children')) {
    const code = pyGet(child, 'validation_code');
    if (code === 'IN_DEPENDENTS') logValidationTree(child, logged);
    else if (code === 'MISSING_INPUT') logged.push(`Missing input: \`${String(pyGet(child, 'object_id'))}\``);
    else if (code === 'MISSING_PARAMETER') logged.push(`Missing parameter: \`${String(pyGet(child, 'object_id'))}\``);
    else logged.push('Unexpected Error');
  }
}

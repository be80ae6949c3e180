// Client: where the server is, the refresh token, and the access token traded for it; typed API groups.
import createClient, { type Client as FetchClient, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/schema.js';
import { ApiActionError, MissingArgumentError, TooManyArgumentsError } from './errors.js';
import { FilesApi } from './files.js';
import { GraphsApi } from './graphs.js';
import { NodesApi } from './nodes.js';
import { environment, nodeBuiltin } from './node-runtime.js';
import type { MasterStateResponse } from './types.js';

/** Where the PLynx API lives under a server; an endpoint names the API itself, e.g. `http://host:8080/plynx/api/v0`. */
export const API_PREFIX = '/plynx/api/v0';
/**
 * The endpoint when none is given: a Pipeloom server on this machine. PLynx's python client defaults to a
 * public host instead, which would send the caller's token to a third party by mistake.
 */
export const DEFAULT_ENDPOINT = 'http://localhost:8080/plynx/api/v0';

/** Where log lines go (`console` fits); PLynx's python client logs through `logging`. */
export interface PlynxLogger {
  info(message: string): void;
  error(message: string): void;
}

export interface ClientOptions {
  /** The API endpoint; else `$PLYNX_ENDPOINT`, else {@link DEFAULT_ENDPOINT}. */
  endpoint?: string;
  /** A refresh token (an access token works until it expires); not together with `tokenPath`. */
  token?: string;
  /** A file whose first line is the refresh token; else `$PLYNX_TOKEN_PATH`, else `~/.plynx_token`. */
  tokenPath?: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: (request: Request) => Promise<Response>;
  /** Receives the lines PLynx's client logs (saved, approved, progress, validation errors). Silent if left out. */
  logger?: PlynxLogger;
}

/** A result of openapi-fetch: data on success, the error body otherwise. */
type FetchResult<D> = { data?: D; error?: unknown; response: Response };

// UTF-8 then base64, as Buffer would, with what browsers have too.
const basic = (token: string) => `Basic ${btoa(Array.from(new TextEncoder().encode(`${token}:`), (b) => String.fromCharCode(b)).join(''))}`;

function defaultTokenPath(): string {
  const what = 'Reading the token file (no `token` given)';
  return nodeBuiltin('node:path', what).join(nodeBuiltin('node:os', what).homedir(), '.plynx_token');
}

function readTokenFile(tokenPath: string): string {
  let text: string;
  try {
    text = nodeBuiltin('node:fs', 'Reading the token file (no `token` given)').readFileSync(tokenPath, 'utf8');
  } catch (e) {
    throw new MissingArgumentError(`No token given and the token file \`${tokenPath}\` cannot be read: ${(e as Error).message}`);
  }
  return (text.split('\n')[0] ?? '').trimEnd();
}

function messageOf(body: unknown, response: Response): string {
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body !== '') return body;
  return `${response.status} ${response.statusText}`.trim();
}

/**
 * A connection to a PLynx API (Pipeloom's or PLynx's own), as PLynx's python `Client`: the endpoint and a
 * refresh token come from the arguments, else from `PLYNX_ENDPOINT` and the file named by `PLYNX_TOKEN_PATH`
 * or `~/.plynx_token`. The refresh token is traded at GET /token for an access token before the first call;
 * a call answered 401 trades it again and is sent once more. Tokens travel as the HTTP Basic user name.
 * Every call of the API groups throws {@link ApiActionError} when refused.
 * @example
 * ```ts
 * import { Client } from '@pipeloom/sdk/plynx';
 *
 * const client = new Client({ endpoint: 'http://localhost:8080/plynx/api/v0', token: process.env.PLYNX_TOKEN });
 * const { data: graph } = await client.graphs.get('65f2c0de9a1b4c0012ab1001');
 * console.log(graph.title, graph.graph_running_status);
 * ```
 */
export class Client {
  readonly endpoint: string;
  /** The openapi-fetch client underneath, typed from the contract, with the tokens handled. */
  readonly raw: FetchClient<paths>;
  readonly graphs: GraphsApi;
  readonly nodes: NodesApi;
  readonly files: FilesApi;
  readonly logger: PlynxLogger | undefined;
  private readonly refreshToken: string;
  private access: string | null = null;
  private pendingToken: Promise<string> | null = null;

  constructor(options: ClientOptions = {}) {
    this.endpoint = (options.endpoint || environment('PLYNX_ENDPOINT') || DEFAULT_ENDPOINT).replace(/\/+$/, '');
    if (options.token && options.tokenPath) throw new TooManyArgumentsError('`token` and `tokenPath` cannot be set both at the same time');
    this.refreshToken = options.token || readTokenFile(options.tokenPath || environment('PLYNX_TOKEN_PATH') || defaultTokenPath());
    if (!this.endpoint.endsWith(API_PREFIX)) throw new MissingArgumentError(`The endpoint must end with ${API_PREFIX}, got \`${this.endpoint}\``);
    this.logger = options.logger;
    const fetcher = options.fetch;
    this.raw = createClient<paths>({
      baseUrl: this.endpoint.slice(0, -API_PREFIX.length),
      fetch: (request) => (fetcher ?? globalThis.fetch)(request),
    });
    this.raw.use(this.authMiddleware());
    this.graphs = new GraphsApi(this);
    this.nodes = new NodesApi(this);
    this.files = new FilesApi(this);
  }

  private authMiddleware(): Middleware {
    return {
      onRequest: async ({ request, schemaPath }) => {
        if (schemaPath === `${API_PREFIX}/token`) request.headers.set('authorization', basic(this.refreshToken));
        else request.headers.set('authorization', basic(await this.getToken()));
        return request;
      },
    };
  }

  /** The current access token, fetched first if there is none. */
  async getToken(): Promise<string> {
    return this.access ?? (await this.updateToken());
  }

  /**
   * Trades the refresh token for a new access token (GET /token) and keeps it; concurrent callers share one
   * exchange.
   * @example
   * ```ts
   * await client.updateToken(); // e.g. after the server restarted with a new secret
   * ```
   */
  updateToken(): Promise<string> {
    this.pendingToken ??= (async () => {
      try {
        const { data, error, response } = await this.raw.GET('/plynx/api/v0/token');
        if (!data) throw new ApiActionError(`Cannot get an access token: ${messageOf(error, response)}`, response.status, error);
        this.access = data.access_token;
        return data.access_token;
      } finally {
        this.pendingToken = null;
      }
    })();
    return this.pendingToken;
  }

  /**
   * Sends a request built by `send` and answers its data; a 401 renews the access token and sends a new request
   * once more (so bodies such as file streams are built afresh). Anything but a success throws {@link ApiActionError}.
   * @example
   * ```ts
   * const state = await client.call(() => client.raw.GET('/plynx/api/v0/master_state'));
   * ```
   */
  async call<D>(send: () => Promise<FetchResult<D>>): Promise<D> {
    let result = await send();
    if (result.response.status === 401) {
      await this.updateToken();
      result = await send();
    }
    const { data, error, response } = result;
    if (!response.ok || data === undefined) throw new ApiActionError(messageOf(error, response), response.status, error);
    return data;
  }

  /**
   * What the master and its workers are doing (GET /master_state); `master_state` is null until a master reported.
   * @example
   * ```ts
   * const { master_state } = await client.masterState();
   * for (const w of master_state?.workers ?? []) console.log(w.worker_id, w.graph_id);
   * ```
   */
  masterState(): Promise<MasterStateResponse> {
    return this.call(() => this.raw.GET('/plynx/api/v0/master_state'));
  }
}

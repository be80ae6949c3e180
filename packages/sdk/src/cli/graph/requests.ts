// The server calls the graph commands make, with every failure turned into a GraphCommandError that
// carries the exit status it should end the command with.
import type { PipeloomClient } from '../../client.js';
import { toApiError } from '../../errors.js';
import type { components } from '../../generated/schema.js';
import type { CodeLanguage } from '../../plynx-graph/generate.js';
import type { PlynxGraph } from './summary.js';

export type GraphActionResponse = components['schemas']['PlynxGraphActionResponse'];

/** Exit statuses of `pipeloom graph ...`. */
export const GRAPH_EXIT = { OK: 0, FAILED: 1, ERROR: 2, UNREACHABLE: 3 } as const;
export type GraphExitCode = (typeof GRAPH_EXIT)[keyof typeof GRAPH_EXIT];

/** A failure a graph command reports on one line, ending with `exitCode`. */
export class GraphCommandError extends Error {
  constructor(readonly exitCode: GraphExitCode, message: string) {
    super(message);
    this.name = 'GraphCommandError';
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Why a request never got an answer, as short as the network layer can say it. */
function networkReason(e: unknown): string {
  const cause = e instanceof Error && e.cause && typeof e.cause === 'object' ? e.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  if (code) return code;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Sends one request. A request that gets no answer at all becomes exit status 3; an error status becomes
 * exit status 2 (or `onStatus`'s choice) with the server's message.
 */
async function send<T>(
  url: string,
  graphId: string,
  call: () => Promise<Answer<T>>,
  onStatus: (status: number, message: string) => GraphCommandError | undefined = () => undefined,
): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call();
  } catch (e) {
    throw new GraphCommandError(GRAPH_EXIT.UNREACHABLE, `cannot reach the Pipeloom server at ${url}: ${networkReason(e)}`);
  }
  const { data, error, response } = answer;
  if (response.ok && data !== undefined) return data;
  const { status, message } = toApiError(response, error);
  const special = onStatus(status, message);
  if (special) throw special;
  if (status === 404) throw new GraphCommandError(GRAPH_EXIT.ERROR, `graph ${graphId} was not found`);
  if (status === 401) throw new GraphCommandError(GRAPH_EXIT.ERROR, `the server refused the credentials (401); set --token or PIPELOOM_TOKEN`);
  if (status === 403) throw new GraphCommandError(GRAPH_EXIT.ERROR, `permission denied: only the author of graph ${graphId} may do this`);
  throw new GraphCommandError(GRAPH_EXIT.ERROR, `the server answered ${status}: ${message}`);
}

/** Reads a graph (GET /graphs/{id}). */
export function fetchGraph(client: PipeloomClient, url: string, graphId: string): Promise<PlynxGraph> {
  return send(url, graphId, () => client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: graphId } } }))
    .then((answer) => answer.data);
}

/** Approves a stored graph (POST /graphs/{id}/approve); VALIDATION_FAILED comes back as an answer. */
export function postApprove(client: PipeloomClient, url: string, graphId: string): Promise<GraphActionResponse> {
  return send(url, graphId, () => client.POST('/plynx/api/v0/graphs/{graph_id}/approve', { params: { path: { graph_id: graphId } } }),
    (status, message) => (status === 409 ? new GraphCommandError(GRAPH_EXIT.ERROR, `graph ${graphId} cannot be approved: ${message}`) : undefined));
}

/** Asks for a running graph to be canceled (POST /graphs/{id}/cancel); a graph that is not running exits 1. */
export function postCancel(client: PipeloomClient, url: string, graphId: string): Promise<GraphActionResponse> {
  return send(url, graphId, () => client.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: graphId } } }),
    (status, message) => (status === 409 ? new GraphCommandError(GRAPH_EXIT.FAILED, `graph ${graphId} is not running, nothing to cancel (${message})`) : undefined));
}

/** The code that rebuilds a stored graph (POST /graphs/{id}/generate_code), in `language`. */
export function postGenerateCode(client: PipeloomClient, url: string, graphId: string, language: CodeLanguage): Promise<GraphActionResponse> {
  return send(url, graphId, () => client.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', { params: { path: { graph_id: graphId }, query: { language } } }));
}

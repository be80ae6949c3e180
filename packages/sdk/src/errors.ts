/**
 * Thrown by {@link unwrap} when the server answers with an error status. `code` is Pipeloom's stable
 * error code (for example `DOCUMENT_NOT_FOUND`), the same whichever API family answered.
 *
 * @example
 * ```ts
 * try {
 *   await unwrap(client.GET('/torc-service/workflows/{key}', { params: { path: { key: '42' } } }));
 * } catch (e) {
 *   if (e instanceof ApiError && e.code === 'DOCUMENT_NOT_FOUND') console.log('no such workflow');
 * }
 * ```
 */
export class ApiError extends Error {
  /** HTTP status of the response. */
  readonly status: number;
  /** Pipeloom's stable error code, or `HTTP_<status>` when the body carried none. */
  readonly code: string;
  /** The parsed error body, in the shape of the API family that answered. */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, body: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

type ErrorBody = { pipeloomCode?: unknown; code?: unknown; errorMessage?: unknown; message?: unknown; msg?: unknown };

/** Reads the code and message out of any of the four families' error shapes. */
export function toApiError(response: Response, body: unknown): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  const code = typeof b.pipeloomCode === 'string' ? b.pipeloomCode : typeof b.code === 'string' ? b.code : `HTTP_${response.status}`;
  const text = [b.errorMessage, b.message, b.msg].find((m): m is string => typeof m === 'string');
  return new ApiError(response.status, code, text ?? `${response.status} ${response.statusText}`.trim(), body);
}

/**
 * Turns an openapi-fetch result into its data, or throws an {@link ApiError}. For callers who prefer
 * exceptions to branching on `response.ok`.
 *
 * @example
 * ```ts
 * const workflow = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'alice' } }));
 * console.log(workflow._key);
 * ```
 */
export async function unwrap<T>(result: Promise<{ data?: T; error?: unknown; response: Response }> | { data?: T; error?: unknown; response: Response }): Promise<T> {
  const { data, error, response } = await result;
  // Branch on the status, not on `error`: an error with an empty body leaves `error` undefined.
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}

// The exceptions of PLynx's python client (`plynx.api.exceptions`), under the same names.
import { renderValidationError, validationErrorLines } from './validation.js';
import type { GraphActionResponse, NodeActionResponse, PlynxValidationError } from './types.js';

/**
 * A required argument is missing, e.g. an operation without `id`, or no token and no readable token file.
 * @example
 * ```ts
 * try { Operation({ id: '' }); } catch (e) { if (e instanceof MissingArgumentError) console.error(e.message); }
 * ```
 */
export class MissingArgumentError extends Error {
  override readonly name = 'MissingArgumentError';
}

/**
 * More arguments than allowed: `token` and `tokenPath` together, or an argument an operation does not declare.
 * @example
 * ```ts
 * try { new Client({ token: 't', tokenPath: '/tmp/t' }); } catch (e) { console.log(e instanceof TooManyArgumentsError); } // true
 * ```
 */
export class TooManyArgumentsError extends Error {
  override readonly name = 'TooManyArgumentsError';
}

/**
 * An argument of the wrong kind: an input given something other than an output, an enum value not among
 * the operation's choices, a graph target that is not a node.
 * @example
 * ```ts
 * try { Grep({ input: 'seq.txt' as never }); } catch (e) { console.log(e instanceof InvalidTypeArgumentError); } // true
 * ```
 */
export class InvalidTypeArgumentError extends Error {
  override readonly name = 'InvalidTypeArgumentError';
}

/**
 * An output that the node does not declare was asked for.
 * @example
 * ```ts
 * try { Reflect.get(seq.outputs, 'missing'); } catch (e) { console.log(e instanceof NodeAttributeError); } // true
 * ```
 */
export class NodeAttributeError extends Error {
  override readonly name = 'NodeAttributeError';
}

/**
 * The server refused a call (`status` is the HTTP status, 0 when the exchange itself failed) or answered
 * an action with a status other than SUCCESS.
 * @example
 * ```ts
 * try { await client.graphs.cancel(id); } catch (e) { if (e instanceof ApiActionError) console.error(e.status, e.message); }
 * ```
 */
export class ApiActionError extends Error {
  override readonly name: string = 'ApiActionError';
  constructor(
    message: string,
    /** HTTP status of the answer. */
    readonly status: number = 200,
    /** The answer's parsed body, when there was one. */
    readonly body: unknown = undefined,
  ) {
    super(message);
  }
}

/**
 * An action answered VALIDATION_FAILED. `validationError` is the server's tree, `lines` what PLynx's python
 * client logs for it and `rendering` the whole tree, one problem a line. Nothing was saved.
 * @example
 * ```ts
 * try { await graph.approve(); } catch (e) { if (e instanceof ValidationFailedError) console.error(e.rendering); }
 * ```
 */
export class ValidationFailedError extends ApiActionError {
  override readonly name = 'ValidationFailedError';
  readonly validationError: PlynxValidationError | undefined;
  readonly lines: string[];
  readonly rendering: string;
  constructor(response: GraphActionResponse | NodeActionResponse) {
    const lines = response.validation_error ? validationErrorLines(response.validation_error) : [];
    super([response.message, ...lines.map((l) => `  ${l}`)].join('\n'), 200, response);
    this.validationError = response.validation_error;
    this.lines = lines;
    this.rendering = response.validation_error ? renderValidationError(response.validation_error) : response.message;
  }
}

/**
 * The client was used out of order: waiting on a graph that was never saved, or saved but not approved.
 * (PLynx spells it `InvalidUssageError`; both names are exported.)
 * @example
 * ```ts
 * try { await new Graph(client, { targets: [total] }).wait(); } catch (e) { console.log(e instanceof InvalidUsageError); } // true
 * ```
 */
export class InvalidUsageError extends Error {
  override readonly name = 'InvalidUsageError';
}

/**
 * The graph stopped without success (FAILED, CANCELED, ...) while `wait()` was polling; `status` says how.
 * @example
 * ```ts
 * try { await graph.approve().wait(); } catch (e) { if (e instanceof GraphFailed) console.error(e.status); }
 * ```
 */
export class GraphFailed extends Error {
  override readonly name = 'GraphFailed';
  constructor(readonly status: string) {
    super(`Graph finished with status \`${status}\``);
  }
}

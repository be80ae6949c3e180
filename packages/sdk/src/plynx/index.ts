/**
 * PLynx's python client (`plynx.api`) for TypeScript: declare operations and files of a PLynx node library,
 * wire their instances into a graph, save, approve and wait for it, with types; plus every stored-graph, node
 * and file action as a typed method of {@link Client}.
 * @example
 * ```ts
 * import { Client, Operation, File, Graph } from '@pipeloom/sdk/plynx';
 *
 * const client = new Client({ endpoint: 'http://localhost:8080/plynx/api/v0', token: process.env.PLYNX_TOKEN });
 * const Grep = Operation({ id: '5d2d4b1dc36682386f559e02', title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
 * const Sum = Operation({ id: '5d2d4b1dc36682386f559e03', title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
 * const seq = File({ id: '5d2d4b1dc36682386f559e01', title: 'seq 100' });
 * const a = Grep({ input: seq.outputs.out, template: '^1' });
 * const b = Grep({ input: seq.outputs.out, template: '^2' });
 * const total = Sum({ input: [a.outputs.output, b.outputs.output] });
 * const graph = new Graph(client, { title: 'Grep and sum', description: 'Example', targets: [total] });
 * await graph.approve().wait();
 * ```
 * @module
 */
export { Client, API_PREFIX, DEFAULT_ENDPOINT, type ClientOptions, type PlynxLogger } from './client.js';
export { Operation, File, NodeInstance, OutputItem, type OperationSpec, type OperationArgs, type LooseOperationArgs, type OperationFactory, type Outputs, type FileSpec, type ParamValue } from './operation.js';
export { Graph, GraphAction, CLIENT_LAYOUT_ACTION, type GraphOptions } from './graph.js';
export { dictifyGraph, mergeNode, nodeDict, traverseNodes } from './dictify.js';
export { graphProgress, pollGraph, abortableSleep, type GraphProgress, type WaitOptions } from './wait.js';
export { GraphsApi } from './graphs.js';
export { NodesApi } from './nodes.js';
export { FilesApi, type UploadOptions } from './files.js';
export { pyName, type PyName } from './names.js';
export { renderValidationError, validationErrorLines } from './validation.js';
// GENERATE_CODE offline: the same generator the server uses, in python or TypeScript.
export { CODE_LANGUAGES, generateCode, type CodeLanguage, type GenerateCodeOptions } from '../plynx-graph/generate.js';
export {
  ApiActionError,
  GraphFailed,
  InvalidTypeArgumentError,
  InvalidUsageError,
  InvalidUsageError as InvalidUssageError,
  MissingArgumentError,
  NodeAttributeError,
  TooManyArgumentsError,
  ValidationFailedError,
} from './errors.js';
export type * from './types.js';

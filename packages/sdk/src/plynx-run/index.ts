/**
 * Rendering and running PLynx operations (bash_jinja2 and python nodes). One renderer serves the
 * server's PREVIEW_CMD and the worker that runs nodes, so a preview shows exactly what runs.
 * @example
 * ```ts
 * import { previewScript, runPlynxNode } from '@pipeloom/sdk/plynx-run';
 * const text = previewScript(node, { workdir: '/tmp/w' });
 * const result = await runPlynxNode(node, io, { signal });
 * if (result.status === 'SUCCESS') console.log(result.outputs);
 * ```
 * @module
 */
export { TemplateError } from './errors.js';
export { parameterValue, type PyValue } from './node-shape.js';
export { isScriptKind, previewScript, type PreviewOptions, type ScriptKind } from './render.js';
export { runPlynxNode } from './run-node.js';
export type { PlynxRunFailure, PlynxRunIo, PlynxRunResult, PlynxRunStatus, RunPlynxNodeOptions } from './run-types.js';
export { ArchiveError, unzipSafely, zipDirectory, type ArchiveLimits } from './zip-archive.js';

/**
 * PLynx graph helpers shared by the Pipeloom server and SDK: the automatic layout of the REARRANGE
 * action and the Python script of the GENERATE_CODE action, both computed as PLynx 0.2.x computes them,
 * and the same script as a TypeScript program for `@pipeloom/sdk/plynx`.
 * Pure functions over graph documents; no I/O.
 * @example
 * ```ts
 * import { arrangeGraph, EmptyGraphError, generatePythonCode } from '@pipeloom/sdk/plynx-graph';
 * try {
 *   const laidOut = arrangeGraph(graph);         // REARRANGE
 *   const code = generatePythonCode(laidOut);    // GENERATE_CODE
 * } catch (error) {
 *   if (!(error instanceof EmptyGraphError)) throw error; // no nodes: a client error
 * }
 * ```
 * @module
 */
export { arrangeGraph, LAYOUT_SPACING } from './arrange.js';
export { computeGraphLayers, nodeHeight, NODE_HEIGHTS, type GraphLayers } from './levels.js';
export { generatePythonCode } from './generate-code.js';
export { generateTypeScriptCode } from './generate-typescript.js';
export { CODE_LANGUAGES, generateCode, type CodeLanguage, type GenerateCodeOptions } from './generate.js';
export { pythonScriptHeader, type ScriptConnection } from './header.js';
export { operationClassName, pyKeywordName, pythonVarName, tsIdentifier } from './names.js';
export type { GraphIndex } from './node-keys.js';
export { parameterLiteral } from './param-value.js';
export { pyRepr, pyStrRepr } from './py-repr.js';
export { tsLiteral, tsParameterLiteral } from './ts-value.js';
export { EmptyGraphError, type PlynxGraph, type PlynxNode, type PlynxParameter } from './types.js';

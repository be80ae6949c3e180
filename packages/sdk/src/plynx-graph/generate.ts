// One entry point for both GENERATE_CODE languages.
import { generatePythonCode } from './generate-code.js';
import { generateTypeScriptCode } from './generate-typescript.js';
import type { PlynxGraph } from './types.js';

/** The languages GENERATE_CODE writes: PLynx's Python client (upstream's output) or `@pipeloom/sdk/plynx`. */
export const CODE_LANGUAGES = ['python', 'typescript'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

export interface GenerateCodeOptions {
  /** Default `python`, byte for byte what PLynx's GENERATE_CODE answers. */
  language?: CodeLanguage;
}

/**
 * The code that rebuilds and runs a graph, offline: Python for PLynx's `plynx.api` client (see
 * {@link generatePythonCode}) or a TypeScript program for `@pipeloom/sdk/plynx` (see
 * {@link generateTypeScriptCode}), both with the same structure.
 * @example
 * ```ts
 * import { generateCode } from '@pipeloom/sdk/plynx-graph';
 * const python = generateCode(graph);                               // what GENERATE_CODE answers
 * const program = generateCode(graph, { language: 'typescript' }); // run it with `npx tsx program.mts`
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function generateCode(graph: PlynxGraph, { language = 'python' }: GenerateCodeOptions = {}): string {
  return language === 'typescript' ? generateTypeScriptCode(graph) : generatePythonCode(graph);
}

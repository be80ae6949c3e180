// Workflow specifications read from files (Node only); parsing and creating are in specification.ts.
import { readFile } from 'node:fs/promises';
import type { PipeloomClient } from '../client.js';
import { createWorkflow, parseWorkflowSpecification, type CreateWorkflowOptions, type Workflow } from './specification.js';

/**
 * Reads and parses a workflow specification file; the ending picks the format (`.json`, `.json5`,
 * `.yaml`/`.yml`). See {@link parseWorkflowSpecification}.
 *
 * @example
 * ```ts
 * import { readWorkflowSpecification } from '@pipeloom/sdk/node';
 *
 * const spec = await readWorkflowSpecification('workflow.json5');
 * ```
 */
export async function readWorkflowSpecification(file: string): Promise<Record<string, unknown>> {
  return parseWorkflowSpecification(await readFile(file, 'utf8'), file);
}

/**
 * Reads a specification file (JSON, JSON5 or YAML, by its ending) and creates the workflow; see
 * {@link createWorkflow}. This is what `pipeloom workflow create <file>` runs.
 *
 * @example
 * ```ts
 * const workflow = await createWorkflowFromFile(client, 'diamond_workflow.json5', { user: 'alice' });
 * ```
 */
export async function createWorkflowFromFile(client: PipeloomClient, file: string, options: CreateWorkflowOptions = {}): Promise<Workflow> {
  return createWorkflow(client, await readWorkflowSpecification(file), options);
}

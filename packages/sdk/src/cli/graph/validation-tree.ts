// Prints the tree of problems an APPROVE reports as indented lines a person can act on.
import type { components } from '../../generated/schema.js';

export type PlynxValidationError = components['schemas']['PlynxValidationError'];

const CODES: Record<PlynxValidationError['validation_code'], string> = {
  IN_DEPENDENTS: 'has problems',
  MISSING_INPUT: 'missing input',
  MISSING_PARAMETER: 'missing value',
  INVALID_VALUE: 'invalid value',
  MINIMUM_COUNT_MUST_NOT_BE_NEGATIVE: 'minimum count must not be negative',
  MINIMUM_COUNT_MUST_BE_GREATER_THAN_MAXIMUM: 'minimum count is above the maximum',
  MAXIMUM_COUNT_MUST_NOT_BE_ZERO: 'maximum count must not be zero',
  DEPRECATED_NODE: 'its operation is deprecated',
  EMPTY_GRAPH: 'the graph has no operations',
};

function describe(e: PlynxValidationError, titles: ReadonlyMap<string, string>): string {
  const what = (() => {
    switch (e.target) {
      case 'GRAPH': return `graph ${e.object_id}`;
      case 'NODE': {
        const title = titles.get(e.object_id);
        return title ? `node "${title}" (${e.object_id})` : `node ${e.object_id}`;
      }
      case 'INPUT': return `input "${e.object_id}"`;
      case 'PROPERTY': return `property "${e.object_id}"`;
      case 'PARAMETER': return `parameter "${e.object_id}"`;
      case 'BLOCK': return `block "${e.object_id}"`;
      default: return `"${e.object_id}"`;
    }
  })();
  return `${what}: ${CODES[e.validation_code] ?? e.validation_code}`;
}

/**
 * Renders a validation error tree, one problem per line, children indented under their parent.
 * `titles` maps node ids to titles so nodes can be named (ids alone when missing).
 *
 * @example
 * ```text
 * graph 65f2c0de9a1b4c0012ab1001: has problems
 *   property "title": missing value
 *   node "Consume" (65f2c0de9a1b4c0012ab3002): has problems
 *     input "in": missing input
 * ```
 */
export function formatValidationTree(error: PlynxValidationError, titles: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  const walk = (e: PlynxValidationError, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${describe(e, titles)}`);
    for (const child of e.children ?? []) walk(child, depth + 1);
  };
  walk(error, 0);
  return lines.join('\n');
}

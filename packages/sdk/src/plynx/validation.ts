// Readable forms of a validation error tree.
import type { PlynxValidationError } from './types.js';

/**
 * The lines PLynx's python client logs for a validation tree: IN_DEPENDENTS entries are walked into, missing
 * inputs and parameters get a line each, anything else is an "Unexpected Error".
 * @example
 * ```ts
 * validationErrorLines(error.validationError!); // ['Missing input: `input`']
 * ```
 */
export function validationErrorLines(error: PlynxValidationError): string[] {
  const lines: string[] = [];
  for (const child of error.children) {
    if (child.validation_code === 'IN_DEPENDENTS') lines.push(...validationErrorLines(child));
    else if (child.validation_code === 'MISSING_INPUT') lines.push(`Missing input: \`${child.object_id}\``);
    else if (child.validation_code === 'MISSING_PARAMETER') lines.push(`Missing parameter: \`${child.object_id}\``);
    else lines.push('Unexpected Error');
  }
  return lines;
}

/**
 * The whole tree, one entry a line, children indented: `NODE 65f2… IN_DEPENDENTS` / `  INPUT lines MISSING_INPUT`.
 * @example
 * ```ts
 * console.error(renderValidationError(error.validationError!));
 * ```
 */
export function renderValidationError(error: PlynxValidationError, depth = 0): string {
  const own = `${'  '.repeat(depth)}${error.target} ${error.object_id} ${error.validation_code}`;
  return [own, ...error.children.map((c) => renderValidationError(c, depth + 1))].join('\n');
}

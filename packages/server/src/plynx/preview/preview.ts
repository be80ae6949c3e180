// PREVIEW_CMD: the script a node would run, as PLynx shows it before running anything. The SDK holds the
// one renderer (workers run what it renders); this adapter parses the node and answers its errors as 400s.
import { previewScript, TemplateError, type PreviewOptions } from '@pipeloom/sdk/plynx-run';
import { AppError } from '../../errors.ts';
import { parseNode } from '../model/documents.ts';
import type { Node } from '../model/types.ts';

export type { PreviewOptions } from '@pipeloom/sdk/plynx-run';

/**
 * The script a bash_jinja2 or python node would run, with the paths of a preview working directory (see
 * {@link PreviewOptions}). Other kinds of node, a missing `cmd` and template errors throw AppError
 * INVALID_ARGUMENT.
 */
export function previewCommand(raw: Node, options: PreviewOptions = {}): string {
  const node = parseNode(raw);
  try {
    return previewScript(node, options);
  } catch (error) {
    if (error instanceof TemplateError) throw new AppError('INVALID_ARGUMENT', error.message);
    throw error;
  }
}

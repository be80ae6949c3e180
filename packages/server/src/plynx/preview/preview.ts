// PREVIEW_CMD: the script a node would run, as PLynx shows it before running anything.
import { AppError } from '../../errors.ts';
import { parseNode } from '../model/documents.ts';
import type { NodeDoc } from '../model/document-types.ts';
import type { Node } from '../model/types.ts';
import { bashJinja2Preview } from './bash-jinja2.ts';
import { pythonPreview } from './python.ts';
import { previewParameters, previewResources, type PreviewOptions } from './workspace.ts';

export type { PreviewOptions } from './workspace.ts';

/** The script text: a `code` parameter's value, or a `text` one's (older nodes stored `cmd` as text). */
function commandText(node: NodeDoc): string {
  const cmd = node.parameters.find((parameter) => parameter.name === 'cmd');
  if (!cmd) throw new AppError('INVALID_ARGUMENT', 'The node has no `cmd` parameter');
  if (cmd.parameter_type === 'code') return cmd.value.value;
  if (cmd.parameter_type === 'text') return cmd.value;
  throw new AppError('INVALID_ARGUMENT', '`cmd` must be a code or text parameter');
}

/**
 * The script a bash_jinja2 or python node would run. Inputs, outputs and logs get the paths of a preview
 * working directory (see {@link PreviewOptions}). bash_jinja2: a comment listing the template variables,
 * then `cmd` rendered as a Jinja2 template with `input`, `output`, `param` and `log`; python: those dicts
 * as Python assignments, then `# User code starts there:` and `cmd`. Other kinds of node, a missing `cmd`
 * and template errors throw AppError INVALID_ARGUMENT.
 */
export function previewCommand(raw: Node, options: PreviewOptions = {}): string {
  const node = parseNode(raw);
  if (node.base_node_name !== 'bash_jinja2' && node.base_node_name !== 'python') {
    throw new AppError('INVALID_ARGUMENT', `Nodes of kind \`${node.base_node_name}\` have no script to preview`);
  }
  const cmd = commandText(node);
  const script = { cmd, ...previewResources(node, options), parameters: previewParameters(node) };
  return node.base_node_name === 'bash_jinja2' ? bashJinja2Preview(script) : pythonPreview(script);
}

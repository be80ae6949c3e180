// The one renderer of PLynx node scripts: PREVIEW_CMD shows what it renders with preview paths, and a
// worker runs what it renders with the paths of a real work directory.
import { randomUUID } from 'node:crypto';
import type { PlynxNode } from '../plynx-graph/types.js';
import { bashJinja2Script } from './bash-jinja2.js';
import { TemplateError } from './errors.js';
import { commandText, nodeShape, type NodeShape } from './node-shape.js';
import { pythonScript } from './python.js';
import { scriptResources, type ScriptResources } from './workspace.js';

/** The kinds of node that have a script. */
export type ScriptKind = 'bash_jinja2' | 'python';

/** Whether nodes of `kind` have a script to render and run. */
export function isScriptKind(kind: string): kind is ScriptKind {
  return kind === 'bash_jinja2' || kind === 'python';
}

export interface PreviewOptions {
  /** The working directory shown in paths; a new `/tmp/<uuid>` by default. */
  workdir?: string;
  /** Prefix of cloud-storage paths; PLynx's default is `gs://sample`. */
  cloudPrefix?: string;
  /** Makes the unique part of cloud-storage paths (a UUID by default). */
  uniqueId?: () => string;
}

/** The script text of `node` with the given paths; {@link TemplateError} for nodes without a script. */
export function renderScript(node: PlynxNode, shape: NodeShape, resources: ScriptResources, purpose: 'preview' | 'run'): string {
  if (!isScriptKind(shape.kind)) throw new TemplateError(`Nodes of kind \`${shape.kind}\` have no script to ${purpose}`);
  const cmd = commandText(node);
  return shape.kind === 'bash_jinja2' ? bashJinja2Script(cmd, resources, shape.parameters) : pythonScript(cmd, resources, shape.parameters);
}

/**
 * The script a bash_jinja2 or python node would run, as PLynx's PREVIEW_CMD shows it: every input gets
 * min_count paths, and inputs, outputs and logs live in a preview working directory.
 * bash_jinja2: a comment listing the template variables, then `cmd` rendered as a Jinja2 template with
 * `input`, `output`, `param` and `log`; python: those dicts as Python assignments, then
 * `# User code starts there:` and `cmd`.
 * @throws {TemplateError} for other kinds of node, a missing `cmd` and a template that cannot be rendered.
 * @example
 * ```ts
 * const text = previewScript(node, { workdir: '/tmp/w' }); // "# Use templates: ['input', ...]\n..."
 * ```
 */
export function previewScript(node: PlynxNode, options: PreviewOptions = {}): string {
  const shape = nodeShape(node);
  const uniqueId = options.uniqueId ?? randomUUID;
  const prefix = options.cloudPrefix ?? 'gs://sample';
  const cloudPath = () => `${prefix}/${uniqueId()}`;
  const workdir = options.workdir ?? `/tmp/${randomUUID()}`;
  const resources = scriptResources(shape, workdir, { input: cloudPath, output: cloudPath }, (input) => input.minCount);
  return renderScript(node, shape, resources, 'preview');
}

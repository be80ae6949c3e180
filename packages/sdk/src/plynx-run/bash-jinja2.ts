// bash_jinja2 scripts: a comment naming the template variables, then the `cmd` script rendered as a
// Jinja2 template. Nunjucks is configured like Jinja2's defaults: no autoescaping, undefined prints
// nothing, and one trailing newline of the template is dropped.
import nunjucks from 'nunjucks';
import { pyRepr } from '../plynx-graph/py-repr.js';
import { TemplateError } from './errors.js';
import type { PyValue } from './node-shape.js';
import { resourceContext, templateDict } from './template-values.js';
import type { ScriptResources } from './workspace.js';

const engine = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });

/** Jinja2 reads `\r\n`, `\r` and `\n` as line ends, writes `\n`, and drops the template's final newline. */
function jinjaSource(source: string): string {
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

function render(source: string, context: object): string {
  try {
    return engine.renderString(jinjaSource(source), context);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace('(unknown path)', '').replace(/\s+/g, ' ').trim();
    throw new TemplateError(`The \`cmd\` template cannot be rendered: ${detail}`);
  }
}

/** The help comment lists the resource kinds the node has, then `param`, as a Python list. */
function helpComment({ inputs, outputs }: ScriptResources): string {
  const names = [...inputs.keys(), ...outputs.keys(), 'param'];
  return `# Use templates: ${pyRepr(names)}\n# For example \`{{ param['_timeout'] }}\` or \`{{ input['abc'] }}\`\n\n`;
}

/** The bash script of a bash_jinja2 node with the given paths. Throws {@link TemplateError}. */
export function bashJinja2Script(cmd: string, resources: ScriptResources, parameters: Map<string, PyValue>): string {
  const context = {
    // Always defined (PLynx leaves `input` undefined on a node without inputs, which fails the render).
    input: {},
    output: {},
    ...resourceContext(resources.inputs),
    ...resourceContext(resources.outputs),
    param: templateDict(parameters),
    log: templateDict(resources.logs),
  };
  return helpComment(resources) + render(cmd, context);
}

// bash_jinja2 previews: a comment naming the template variables, then the `cmd` script rendered as a
// Jinja2 template. Nunjucks is configured like Jinja2's defaults: no autoescaping, undefined prints
// nothing, and one trailing newline of the template is dropped.
import nunjucks from 'nunjucks';
import { AppError } from '../../errors.ts';
import { pyRepr } from './python-repr.ts';
import { resourceContext, templateDict } from './template-values.ts';
import type { PyValue } from './python-repr.ts';
import type { ResourceDicts } from './workspace.ts';

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
    throw new AppError('INVALID_ARGUMENT', `The \`cmd\` template cannot be rendered: ${detail}`);
  }
}

export interface BashPreviewInput {
  cmd: string;
  inputs: ResourceDicts;
  outputs: ResourceDicts;
  parameters: Map<string, PyValue>;
  logs: Map<string, string>;
}

/** The help comment lists the resource kinds the node has, then `param`, as a Python list. */
function helpComment(inputs: ResourceDicts, outputs: ResourceDicts): string {
  const names = [...inputs.keys(), ...outputs.keys(), 'param'];
  return `# Use templates: ${pyRepr(names)}\n# For example \`{{ param['_timeout'] }}\` or \`{{ input['abc'] }}\`\n\n`;
}

/** The bash script PLynx would run, with preview paths. */
export function bashJinja2Preview({ cmd, inputs, outputs, parameters, logs }: BashPreviewInput): string {
  const context = {
    // Always defined (PLynx leaves `input` undefined on a node without inputs, which fails the render).
    input: {},
    output: {},
    ...resourceContext(inputs),
    ...resourceContext(outputs),
    param: templateDict(parameters),
    log: templateDict(logs),
  };
  return helpComment(inputs, outputs) + render(cmd, context);
}

// python previews: dicts `input`, `output`, `param`, `log` (and the cloud ones when present) written as
// Python assignments, then the user's code unchanged.
import { pyRepr, type PyValue } from './python-repr.ts';
import type { ResourceDicts } from './workspace.ts';

function assignments(variable: string, values: Iterable<[string, PyValue]>): string {
  const lines = [`${variable} = {}`];
  for (const [name, value] of values) lines.push(`${variable}["${name}"] = ${pyRepr(value)}`);
  return lines.join('\n');
}

export interface PythonPreviewInput {
  cmd: string;
  inputs: ResourceDicts;
  outputs: ResourceDicts;
  parameters: Map<string, PyValue>;
  logs: Map<string, string>;
}

/** The Python script PLynx would run, with preview paths. Only resource kinds the node has appear. */
export function pythonPreview({ cmd, inputs, outputs, parameters, logs }: PythonPreviewInput): string {
  return [
    ...[...inputs].map(([kind, byName]) => assignments(kind, byName)),
    ...[...outputs].map(([kind, byName]) => assignments(kind, byName)),
    assignments('param', parameters),
    assignments('log', logs),
    '\n',
    '# User code starts there:',
    cmd,
  ].join('\n');
}

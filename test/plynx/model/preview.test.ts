// PREVIEW_CMD: the script a bash_jinja2 or python node would run, with the paths of a preview workdir.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../packages/server/src/errors.ts';
import { nodeTemplate } from '../../../packages/server/src/plynx/model/base-nodes.ts';
import type { Node } from '../../../packages/server/src/plynx/model/types.ts';
import { previewCommand } from '../../../packages/server/src/plynx/preview/preview.ts';
import { pyRepr } from '../../../packages/server/src/plynx/preview/python-repr.ts';

const options = { workdir: '/tmp/w', uniqueId: () => 'u1' };
const HELP_EXAMPLE = "# For example `{{ param['_timeout'] }}` or `{{ input['abc'] }}`\n\n";

function operation(kind: 'bash_jinja2' | 'python', cmd: string, extra: Partial<Node> = {}): Node {
  const template = nodeTemplate(kind);
  if (!template) throw new Error('no template');
  const parameters = template.parameters.map((parameter) =>
    parameter.parameter_type === 'code' ? { ...parameter, value: { value: cmd, mode: 'sh' } } : parameter,
  );
  return { ...template, title: 'Count', parameters, ...extra };
}

const wc: Partial<Node> = {
  inputs: [{ name: 'lines', file_types: ['file'], min_count: 2, max_count: -1 }, { name: 'one', file_types: ['csv'] }],
  outputs: [{ name: 'total', file_type: 'file' }],
};

describe('previewCommand for bash_jinja2', () => {
  it('prints the help comment, then cmd rendered with input, output, param and log, dropping one final newline', () => {
    const cmd = "wc -l {{ input['lines'] | join(' ') }} {{ input['one'] }} > {{ output['total'] }} # {{ param['_timeout'] }} {{ log['stderr'] }}\n\n";
    expect(previewCommand(operation('bash_jinja2', cmd, wc), options)).toBe(
      "# Use templates: ['input', 'output', 'param']\n" + HELP_EXAMPLE +
        'wc -l /tmp/w/i_0_lines /tmp/w/i_1_lines /tmp/w/i_0_one > /tmp/w/o_total # 600 /tmp/w/l_stderr\n',
    );
  });

  it('prints lists as Python does and undefined values as nothing', () => {
    const cmd = "{{ input['lines'] }}|{{ input['nope'] }}|{{ nothing['at']['all'] }}|{% for f in input['lines'] %}<{{ f }}>{% endfor %}";
    expect(previewCommand(operation('bash_jinja2', cmd, wc), options)).toMatch(/\n\n\['\/tmp\/w\/i_0_lines', '\/tmp\/w\/i_1_lines'\]\|\|\|<\/tmp\/w\/i_0_lines><\/tmp\/w\/i_1_lines>$/);
  });

  it('lists only the resource kinds the node has, and cloud paths for cloud storage', () => {
    expect(previewCommand(operation('bash_jinja2', 'echo'), options)).toBe(`# Use templates: ['param']\n${HELP_EXAMPLE}echo`);
    const cloud = { outputs: [{ name: 'blob', file_type: 'cloud-storage' }] };
    expect(previewCommand(operation('bash_jinja2', "{{ output['blob'] }} {{ cloud_output['blob'] }}", cloud), options)).toBe(
      `# Use templates: ['output', 'cloud_output', 'param']\n${HELP_EXAMPLE}/tmp/w/o_blob gs://sample/u1`,
    );
  });

  it('renders the chosen enum entry, list parameters and code text', () => {
    const node = operation('bash_jinja2', "{{ param['codec'] }} {{ param['shards'] | join(',') }} {{ param['names'] }}");
    node.parameters = [
      ...(node.parameters ?? []),
      { name: 'codec', parameter_type: 'enum', value: { values: ['gzip', 'xz'], index: '1' } },
      { name: 'shards', parameter_type: 'list_int', value: [1, 2] },
      { name: 'names', parameter_type: 'list_str', value: ["it's", 'b'] },
    ];
    expect(previewCommand(node, options).split('\n').at(-1)).toBe(`xz 1,2 ["it's", 'b']`);
  });

  it('answers a 400 with the engine message for a broken template', () => {
    expect(() => previewCommand(operation('bash_jinja2', 'echo {{ x( }}'), options)).toThrow(AppError);
    expect(() => previewCommand(operation('bash_jinja2', 'echo {{ x( }}'), options)).toThrow(/The `cmd` template cannot be rendered: \[Line 1, Column \d+\] unexpected token/);
  });
});

describe('previewCommand for python', () => {
  it('writes the dicts as Python assignments, then the user code unchanged', () => {
    expect(previewCommand(operation('python', "print(input['lines'])\n", wc), options)).toBe(
      [
        'input = {}',
        `input["lines"] = ['/tmp/w/i_0_lines', '/tmp/w/i_1_lines']`,
        `input["one"] = '/tmp/w/i_0_one'`,
        'output = {}',
        `output["total"] = '/tmp/w/o_total'`,
        'param = {}',
        `param["cmd"] = "print(input['lines'])\\n"`,
        'param["cacheable"] = True',
        'param["_timeout"] = 600',
        'log = {}',
        `log["stderr"] = '/tmp/w/l_stderr'`,
        `log["stdout"] = '/tmp/w/l_stdout'`,
        `log["worker"] = '/tmp/w/l_worker'`,
        '\n',
        '# User code starts there:',
        "print(input['lines'])\n",
      ].join('\n'),
    );
  });

  it('does not render the code as a template', () => {
    expect(previewCommand(operation('python', 'x = "{{ y }}"'), options).endsWith('# User code starts there:\nx = "{{ y }}"')).toBe(true);
  });
});

describe('previewCommand errors', () => {
  it('refuses nodes without a script, without cmd, or with cmd of another type', () => {
    expect(() => previewCommand(nodeTemplate('file') ?? {}, options)).toThrow(/Nodes of kind `file` have no script to preview/);
    expect(() => previewCommand({ base_node_name: 'python', parameters: [] }, options)).toThrow(/The node has no `cmd` parameter/);
    expect(() => previewCommand({ base_node_name: 'python', parameters: [{ name: 'cmd', parameter_type: 'int', value: 1 }] }, options)).toThrow(/`cmd` must be a code or text parameter/);
  });

  it('reads a text cmd as older nodes stored it, and uses a fresh /tmp workdir by default', () => {
    const preview = previewCommand({ base_node_name: 'bash_jinja2', parameters: [{ name: 'cmd', parameter_type: 'text', value: 'cat {{ log.worker }}' }], logs: [{ name: 'worker' }] });
    expect(preview).toMatch(/\ncat \/tmp\/[0-9a-f-]{36}\/l_worker$/);
  });
});

describe('pyRepr', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", `"it's"`],
    [`both ' and "`, `'both \\' and "'`],
    ['tab\there\nnl\\', "'tab\\there\\nnl\\\\'"],
    ['\u0007bell é \u00a0 \u2028 😀', "'\\x07bell é \\xa0 \\u2028 😀'"],
  ])('writes %j as Python would', (text, expected) => {
    expect(pyRepr(text)).toBe(expected);
  });

  it('writes numbers, booleans, None and lists', () => {
    expect(pyRepr([1, true, false, null, ['a']])).toBe("[1, True, False, None, ['a']]");
  });
});

// One renderer: the server's PREVIEW_CMD and the SDK give the same script for the same node and work
// directory, and a real run executes exactly that script.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewCommand } from '../../packages/server/src/plynx/preview/preview.ts';
import { previewScript, runPlynxNode } from '../../packages/sdk/src/plynx-run/index.ts';
import { MemoryStore, operation, tempDir } from './helpers.ts';

const options = { workdir: '/tmp/w', uniqueId: () => 'u1' };

const nodes = {
  'bash_jinja2 with list and single inputs': operation({
    cmd: "wc -l {{ input['lines'] | join(' ') }} {{ input['one'] }} > {{ output['total'] }} # {{ param['_timeout'] }} {{ log['stderr'] }}\n",
    inputs: [{ name: 'lines', resourceIds: [], minCount: 2 }, { name: 'one', fileTypes: ['csv'], resourceIds: [], minCount: 1, maxCount: 1 }],
    outputs: [{ name: 'total' }],
  }),
  'bash_jinja2 with cloud storage and an enum': operation({
    cmd: "{{ output['blob'] }} {{ cloud_output['blob'] }} {{ param['codec'] }} {{ param['names'] }}",
    outputs: [{ name: 'blob', fileType: 'cloud-storage' }],
    parameters: [
      { name: 'codec', parameter_type: 'enum', value: { values: ['gzip', 'xz'], index: '1' } },
      { name: 'names', parameter_type: 'list_str', value: ["it's", 'b'] },
    ],
  }),
  'python with inputs, outputs and parameters': operation({
    kind: 'python',
    cmd: 'print(input, output, param, log)\n',
    inputs: [{ name: 'nums', resourceIds: [], minCount: 3 }],
    outputs: [{ name: 'sum' }],
    parameters: [{ name: 'shards', parameter_type: 'list_int', value: [1, 2] }],
  }),
};

describe('the SDK renderer and the server preview', () => {
  for (const [title, node] of Object.entries(nodes)) {
    it(`render the same script for a ${title}`, () => {
      const fromServer = previewCommand(node, options);
      expect(previewScript(node, options)).toBe(fromServer);
      expect(fromServer.length).toBeGreaterThan(20);
    });
  }

  it('run exactly the script the preview shows for the run’s work directory', async () => {
    const store = new MemoryStore();
    const root = tempDir();
    const node = operation({
      cmd: "cat {{ input['lines'] | join(' ') }} > {{ output['all'] }}\necho {{ param['_timeout'] }} {{ log['worker'] }}\n",
      inputs: [{ name: 'lines', resourceIds: [store.put('a\n'), store.put('b\n')], minCount: 2 }],
      outputs: [{ name: 'all' }],
    });
    const result = await runPlynxNode(node, store.io, { workRoot: root, keepWorkdir: true });
    expect(result.status).toBe('SUCCESS');
    const [workdir] = fs.readdirSync(root);
    const ran = fs.readFileSync(path.join(root, workdir!, 'script.sh'), 'utf8');
    expect(ran).toBe(previewCommand(node, { workdir: path.join(root, workdir!) }));
    expect(store.text(result.outputs.all)).toBe('a\nb\n');
    fs.rmSync(root, { recursive: true, force: true });
  });
});

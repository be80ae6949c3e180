// The python side of a client script (`Operation(...)`, `File(...)`, `Graph(...).save().approve().wait()`)
// reduced to the data the client puts on the wire: each node instance's own dict, the walk from the targets,
// the merge of those dicts into the library nodes fetched from the server, and the graph dict that is posted.
import crypto from 'node:crypto';
import { ClientError, CLIENT_LAYOUT_ACTION, type PythonClientSession } from './client-session.ts';
import { PyFloat, pyDeepCopy, pyDict, pyGet, pyList, pyMap, pyStr, pyTruthy, type PyDict, type PyValue } from './python-json.ts';

let counter = crypto.randomInt(0xffffff);
const processRandom = crypto.randomBytes(5).toString('hex');

/** `bson.ObjectId()`: seconds, a per-process random part and a counter, as 24 hex digits. */
export function clientObjectId(): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `${seconds}${processRandom}${counter.toString(16).padStart(6, '0')}`;
}

/** Input and parameter names become keyword names with `-` and `.` replaced by `_`. */
const pyname = (name: string) => name.replace(/-/g, '_').replace(/\./g, '_');

/** `node.outputs.<name>`: a reference to one output of a node instance. */
export interface OutputRef {
  node: ScriptNode;
  output: string;
}

/** A parameter value as a script passes it: str, int (bigint), float, bool. */
export type ScriptValue = string | bigint | PyFloat | boolean;

/** One node instance of the script, as `Operation(...)(**kwargs)` or `File(...)` builds it. */
export class ScriptNode {
  readonly _id = clientObjectId();
  private readonly outputs = new Map<string, OutputRef>();

  constructor(
    readonly parentNode: string,
    readonly title: string,
    readonly description: string,
    /** Declared input names with what the script connected (null when left out). */
    readonly inputs: Array<[string, OutputRef[] | null]>,
    /** Declared parameter names with the script's value (null when left out). */
    readonly params: Array<[string, ScriptValue | null]>,
    outputNames: string[],
  ) {
    for (const name of outputNames) this.outputs.set(pyname(name), { node: this, output: name });
  }

  /** `node.outputs.<pyname>`; an undeclared output fails as the client's NodeAttributeError. */
  output(name: string): OutputRef {
    const ref = this.outputs.get(name);
    if (!ref) throw new Error(`NodeAttributeError: Outputs object has no attribute \`${name}\``);
    return ref;
  }

  /** The node's own dict, in the client's key order. Outputs are always sent empty; x and y as 0. */
  dictify(): PyDict {
    return pyDict([
      ['parent_node', this.parentNode],
      ['description', this.description],
      ['title', this.title],
      // Every instance sends an empty running status; the library node's value is kept (see mergeInto).
      ['node_running_status', ''],
      ['inputs', this.inputs.map(([name, refs]) => pyDict([['name', name], ['values', (refs ?? []).map(refValue)]]))],
      ['parameters', this.params.map(([name, value]) => pyDict([['name', name], ['value', value]]))],
      ['outputs', []],
      ['y', 0n],
      ['x', 0n],
      ['_id', this._id],
    ]);
  }
}

const refValue = (ref: OutputRef): PyDict =>
  pyDict([
    ['output_id', ref.output],
    ['node_id', ref.node._id],
    ['resource_id', null],
  ]);

export interface OperationDefinition {
  id: string;
  title?: string;
  description?: string;
  inputs?: string[];
  params?: string[];
  outputs?: string[];
}

/** `Operation(id=..., title=..., inputs=[...], params=[...], outputs=[...])`: a class; call it with keyword arguments. */
export function operation(def: OperationDefinition) {
  return (kwargs: Record<string, OutputRef | OutputRef[] | ScriptValue | undefined> = {}): ScriptNode => {
    const inputs = (def.inputs ?? []).map((name): [string, OutputRef[] | null] => {
      const v = kwargs[pyname(name)];
      if (v === undefined) return [name, null];
      return [name, Array.isArray(v) ? v : [v as OutputRef]];
    });
    const params = (def.params ?? []).map((name): [string, ScriptValue | null] => [name, (kwargs[pyname(name)] as ScriptValue | undefined) ?? null]);
    const title = typeof kwargs.title === 'string' ? kwargs.title : (def.title ?? '');
    const description = typeof kwargs.description === 'string' ? kwargs.description : (def.description ?? '');
    return new ScriptNode(def.id, title, description, inputs, params, def.outputs ?? []);
  };
}

/** `File(id=..., title=..., description=...)`: an instance with the single output `out`. */
export function file(def: { id: string; title?: string; description?: string }): ScriptNode {
  return new ScriptNode(def.id, def.title ?? '', def.description ?? '', [], [], ['out']);
}

/** Breadth-first from the targets over input connections; each instance once, in first-visit order. */
export function walkFromTargets(targets: ScriptNode[]): ScriptNode[] {
  const seen = new Set<string>();
  const order: ScriptNode[] = [];
  const queue = [...targets];
  while (queue.length) {
    const node = queue.shift() as ScriptNode;
    if (seen.has(node._id)) continue;
    seen.add(node._id);
    order.push(node);
    for (const [, refs] of node.inputs) for (const ref of refs ?? []) if (!seen.has(ref.node._id)) queue.push(ref.node);
  }
  return order;
}

/**
 * The client's merge of an instance's dict into a copy of the library node: scalars replace only when the
 * instance's value is truthy (so empty titles, the empty running status and x/y 0 keep the library's), named
 * list items merge into the library item of the same name (parameters through their type: enum by position
 * of the value in `values`, code into `value.value`, others replaced; None leaves the value alone), and
 * unnamed list items (input values) are appended.
 */
export function mergeInto(dest: PyDict, recp: PyDict): PyDict {
  for (const [key, value] of recp) {
    if (value instanceof Map) {
      const inner = dest.get(key);
      dest.set(key, mergeInto(inner instanceof Map ? inner : new Map(), value));
    } else if (Array.isArray(value)) {
      const target = pyList(dest, key);
      for (const item of value) {
        if (item instanceof Map && item.has('name')) {
          for (const d of target) {
            if (d instanceof Map && d.has('name') && d.get('name') === item.get('name')) {
              if (d.has('parameter_type')) mergeParameter(d, item);
              else mergeInto(d, item);
            }
          }
        } else target.push(item);
      }
    } else if (pyTruthy(value)) dest.set(key, value);
    else if (!dest.has(key)) throw new ClientError('KeyError', `'${key}' missing from the library node`);
  }
  return dest;
}

function mergeParameter(dest: PyDict, recp: PyDict): void {
  const value = recp.get('value') ?? null;
  if (value === null) return;
  const type = pyGet(dest, 'parameter_type');
  if (type === 'enum') {
    const enumValue = pyMap(dest, 'value');
    const index = pyList(enumValue, 'values').findIndex((v) => v === value);
    if (index < 0) throw new Error(`InvalidTypeArgumentError: enum value ${String(value)} is not one of the values`);
    enumValue.set('index', BigInt(index));
  } else if (type === 'code') pyMap(dest, 'value').set('value', value);
  else dest.set('value', value);
}

/** `Graph(client, title, description, targets)` with `save()`, `approve()` and one round of `wait()`. */
export class ScriptGraph {
  /** `_graph_dict`: the `graph` of the last successful post. */
  graphDict: PyDict | null = null;
  url: string | null = null;

  constructor(
    private readonly client: PythonClientSession,
    private readonly title: string,
    private readonly description: string,
    private readonly targets: ScriptNode[],
  ) {}

  /**
   * `_dictify()`: one GET nodes/<parent> per distinct library node, then the graph dict. Python walks the
   * distinct parents as a set, whose order varies from run to run; the replay fetches them in first-seen order.
   */
  async dictify(): Promise<PyDict> {
    const nodes = walkFromTargets(this.targets);
    const library = new Map<string, PyDict>();
    for (const node of nodes) if (!library.has(node.parentNode)) library.set(node.parentNode, await this.client.getObj('nodes', node.parentNode));
    const merged = nodes.map((node) => mergeInto(pyDeepCopy(library.get(node.parentNode) as PyDict), node.dictify()));
    return pyDict([
      ['title', this.title],
      ['description', this.description],
      ['graph_running_status', 'CREATED'],
      ['nodes', merged],
    ]);
  }

  private async post(finalAction: 'SAVE' | 'APPROVE'): Promise<this> {
    const graph = await this.dictify();
    if (this.graphDict) graph.set('_id', pyGet(this.graphDict, '_id'));
    const answer = await this.client.saveGraph(graph, [CLIENT_LAYOUT_ACTION, finalAction]);
    this.graphDict = answer.graph;
    this.url = answer.url;
    return this;
  }

  save(): Promise<this> {
    return this.post('SAVE');
  }

  approve(): Promise<this> {
    return this.post('APPROVE');
  }

  /**
   * One iteration of `wait()`: refuses an unsaved or unapproved graph, GETs graphs/<id>, counts node running
   * statuses, fails unless the graph is READY, RUNNING or SUCCESS. Returns the progress line it logs and
   * whether it would stop polling (SUCCESS).
   */
  async waitOnce(): Promise<{ line: string; finished: boolean }> {
    if (!this.graphDict) throw new ClientError('InvalidUssageError', 'The graph neigher saved nor approved yet');
    if (pyStr(this.graphDict, 'graph_running_status').toUpperCase() === 'CREATED') throw new ClientError('InvalidUssageError', 'The graph must be approved first');
    const graph = await this.client.getObj('graphs', pyStr(this.graphDict, '_id'));
    const counts = new Map<PyValue, number>();
    for (const node of pyList(graph, 'nodes')) {
      const status = pyGet(node, 'node_running_status');
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    const status = pyStr(graph, 'graph_running_status');
    const total = [...counts.values()].reduce((a, b) => a + b, 0) - (counts.get('STATIC') ?? 0);
    const progress = total > 0 ? (counts.get('SUCCESS') ?? 0) / total : 1;
    const line = [status, `${(progress * 100).toFixed(0)}%`, ...[...counts].map(([k, n]) => `${String(k)}: ${n}`)].join('\t');
    if (!['READY', 'RUNNING', 'SUCCESS'].includes(status.toUpperCase())) throw new ClientError('GraphFailed', `Graph finished with status \`${status}\``);
    return { line, finished: status.toUpperCase() === 'SUCCESS' };
  }
}

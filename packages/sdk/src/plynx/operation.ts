// Operation(...) and File(...): node declarations whose calls make node instances for a graph.
import { InvalidTypeArgumentError, MissingArgumentError, NodeAttributeError, TooManyArgumentsError } from './errors.js';
import { pyName, type PyName } from './names.js';
import { newObjectId } from './object-id.js';

/** A parameter value as a script gives it; enums take the chosen entry, code parameters the script text. */
export type ParamValue = string | number | boolean | readonly string[] | readonly number[] | null;

/** Keys that runtimes and tools look up on any object; reading them must not throw. */
const PROBED_KEYS = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', 'nodeType', 'inspect']);

/**
 * One output of one node instance (`node.outputs.out`), to be connected to an input of another node.
 * @example
 * ```ts
 * const total = Sum({ input: [a.outputs.output, b.outputs.output] }); // two OutputItems into one input
 * ```
 */
export class OutputItem {
  /**
   * @example
   * ```ts
   * const ref = seq.outputs.out; // an OutputItem: ref.node === seq, ref.outputName === 'out'
   * ```
   */
  constructor(
    readonly node: NodeInstance,
    readonly outputName: string,
  ) {}
}

/** The outputs of a node instance by keyword name; reading an undeclared one throws {@link NodeAttributeError}. */
export type Outputs<O extends string> = { readonly [K in O as PyName<K>]: OutputItem };

/**
 * A node placed in a graph: a fresh `_id`, the library node it comes from and the script's values.
 * @example
 * ```ts
 * const a = Grep({ input: seq.outputs.out, template: '^1' });
 * console.log(a._id, a.parentNode, a.params); // '6650…', '5d2d4b1dc36682386f559e02', [['template', '^1']]
 * ```
 */
export class NodeInstance<O extends string = string> {
  readonly _id: string = newObjectId();
  readonly outputs: Outputs<O>;

  /**
   * Made by calling an {@link Operation} or by {@link File}; not meant to be constructed directly.
   * @example
   * ```ts
   * const node = Grep({ input: seq.outputs.out }); // node instanceof NodeInstance
   * ```
   */
  constructor(
    /** `_id` of the operation or file in the node library. */
    readonly parentNode: string,
    readonly title: string,
    readonly description: string,
    /** Declared input names with what was connected (null when left out). */
    readonly inputs: ReadonlyArray<readonly [string, readonly OutputItem[] | null]>,
    /** Declared parameter names with the given value (null when left out: the library's value stays). */
    readonly params: ReadonlyArray<readonly [string, ParamValue]>,
    outputNames: readonly O[],
  ) {
    const items = new Map(outputNames.map((name) => [pyName(name), new OutputItem(this, name)] as const));
    this.outputs = new Proxy(Object.fromEntries(items), {
      get(target, key) {
        if (typeof key !== 'string' || key in target) return Reflect.get(target, key);
        // Promise resolution, JSON and test matchers probe for these; they are not outputs.
        if (PROBED_KEYS.has(key) || key.startsWith('@@') || key.startsWith('$$')) return undefined;
        throw new NodeAttributeError(`Outputs object has no attribute \`${key}\``);
      },
    }) as Outputs<O>; // the entries are exactly the pynames of O
  }
}

/** What an operation declares, as in PLynx's `Operation(id=..., title=..., inputs=[...], params=[...], outputs=[...])`. */
export interface OperationSpec<I extends string, P extends string, O extends string> {
  /** `_id` of the operation in the node library. */
  id: string;
  title?: string;
  description?: string;
  inputs?: readonly I[];
  params?: readonly P[];
  outputs?: readonly O[];
}

/** Keyword arguments when names are only known at run time (declared from `string[]` variables). */
export type LooseOperationArgs = Record<string, OutputItem | readonly OutputItem[] | ParamValue | undefined>;

/**
 * The keyword arguments of an operation's call: its inputs, its parameters, and an optional title or
 * description. Declared with literal names, nothing else is accepted; declared from `string[]`, any name is.
 */
export type OperationArgs<I extends string, P extends string> = string extends I | P
  ? LooseOperationArgs
  : {
      [K in I as PyName<K>]?: OutputItem | readonly OutputItem[] | null;
    } & {
      [K in P as PyName<K>]?: ParamValue;
    } & { title?: string; description?: string };

/** A declared operation: call it to place an instance in a graph. */
export interface OperationFactory<I extends string, P extends string, O extends string> {
  (args?: OperationArgs<I, P>): NodeInstance<O>;
  readonly spec: OperationSpec<I, P, O>;
}

function toOutputItems(name: string, value: unknown): OutputItem[] | null {
  if (value === null || value === undefined) return null;
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!(item instanceof OutputItem)) throw new InvalidTypeArgumentError(`Input \`${name}\` expects an output (node.outputs.<name>), got \`${typeof item}\``);
  }
  return items;
}

function isParamValue(value: unknown): value is ParamValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number');
}

/**
 * Declares an operation of the node library, as PLynx's `Operation(...)`. The result is a factory: each call
 * makes a new node instance with the given inputs (outputs of other instances, one or a list) and parameter
 * values (enum parameters take the chosen entry, code parameters the script text). Names with `-` or `.`
 * are passed with `_` instead. An argument the operation does not declare is a type error, and at run time
 * a {@link TooManyArgumentsError}; inputs and parameters left out are left to the server's validation.
 * @example
 * ```ts
 * const Grep = Operation({ id: '5d2d4b1dc36682386f559e02', title: 'Grep', inputs: ['input'], params: ['template'], outputs: ['output'] });
 * const a = Grep({ input: seq.outputs.out, template: '^1' });
 * a.outputs.output; // connect it to another operation's input
 * ```
 */
export function Operation<const I extends string = never, const P extends string = never, const O extends string = never>(
  spec: OperationSpec<I, P, O>,
): OperationFactory<I, P, O> {
  if (typeof spec.id !== 'string' || spec.id === '') throw new MissingArgumentError('`id` is required');
  const inputNames: readonly string[] = spec.inputs ?? [];
  const paramNames: readonly string[] = spec.params ?? [];
  const known = new Set(['title', 'description', ...inputNames.map(pyName), ...paramNames.map(pyName)]);
  const factory = (args: OperationArgs<I, P> = {}): NodeInstance<O> => {
    const given: Record<string, unknown> = { ...args };
    const unknown = Object.keys(given).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new TooManyArgumentsError(`${spec.title ?? spec.id} got unexpected arguments: ${unknown.map((k) => `\`${k}\``).join(', ')}`);
    const title = given.title ?? spec.title ?? '';
    const description = given.description ?? spec.description ?? '';
    if (typeof title !== 'string' || typeof description !== 'string') throw new InvalidTypeArgumentError('`title` and `description` must be strings');
    const inputs = inputNames.map((name) => [name, toOutputItems(name, given[pyName(name)])] as const);
    const params = paramNames.map((name) => {
      const value = given[pyName(name)] ?? null;
      if (!isParamValue(value)) throw new InvalidTypeArgumentError(`Parameter \`${name}\` takes a string, number, boolean or list, got \`${typeof value}\``);
      return [name, value] as const;
    });
    return new NodeInstance<O>(spec.id, title, description, inputs, params, spec.outputs ?? []);
  };
  return Object.assign(factory, { spec });
}

/** What a file of the node library is declared with. */
export interface FileSpec {
  /** `_id` of the file node in the node library (the `node._id` answered by an upload). */
  id: string;
  title?: string;
  description?: string;
}

/**
 * Declares a file of the node library and places it, as PLynx's `File(...)`: the result is already a node
 * instance, with the single output `out`.
 * @example
 * ```ts
 * const seq = File({ id: '5d2d4b1dc36682386f559e01', title: 'seq 100' });
 * const a = Grep({ input: seq.outputs.out, template: '^1' });
 * ```
 */
export function File(spec: FileSpec): NodeInstance<'out'> {
  return Operation({ ...spec, outputs: ['out'] })();
}

// Graph: the python client's Graph(client, title, description, targets) with save, approve and wait.
import type { Client } from './client.js';
import { dictifyGraph } from './dictify.js';
import { InvalidTypeArgumentError, InvalidUsageError, ValidationFailedError } from './errors.js';
import { NodeInstance } from './operation.js';
import type { GraphRequestAction, PlynxGraph } from './types.js';
import { pollGraph, type WaitOptions } from './wait.js';

/**
 * The layout action the python client posts before SAVE or APPROVE. PLynx 0.2.10's client names REARRANGE
 * `AUTO_LAYOUT` and wraps graph and actions in a `body` object; the same document is sent here so that the
 * server treats this client exactly as that one.
 */
export const CLIENT_LAYOUT_ACTION = 'AUTO_LAYOUT' satisfies GraphRequestAction;

export interface GraphOptions {
  title?: string;
  description?: string;
  /** The nodes the graph is built back from: every node reachable through their inputs is included. */
  targets: NodeInstance | readonly NodeInstance[];
}

/**
 * The pending result of {@link Graph.approve} (or {@link Graph.save}): await it for the graph, or call
 * `.wait()` to also wait until the graph has run.
 * @example
 * ```ts
 * await graph.approve();          // approved, READY
 * await graph.approve().wait();   // approved, then run to SUCCESS
 * ```
 */
export class GraphAction implements PromiseLike<Graph> {
  /** Made by {@link Graph}. @example `const pending = graph.approve();` */
  constructor(
    private readonly graph: Graph,
    private readonly done: Promise<Graph>,
  ) {}

  /** @example `const g = await graph.approve();` */
  then<A = Graph, B = never>(onFulfilled?: ((value: Graph) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.done.then(onFulfilled, onRejected);
  }

  /** @example `await graph.approve().catch((e) => console.error(e));` */
  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Graph | B> {
    return this.done.catch(onRejected);
  }

  /** Waits for the action, then for the graph to run ({@link Graph.wait}). @example `await graph.approve().wait();` */
  wait(options?: WaitOptions): Promise<Graph> {
    return this.done.then(() => this.graph.wait(options));
  }
}

/**
 * A graph built from target nodes, as PLynx's python `Graph`. `save()` and `approve()` fetch every library
 * node once, merge the instances into them (`_dictify`) and post the graph with [AUTO_LAYOUT, SAVE] or
 * [AUTO_LAYOUT, APPROVE]; after the first post the same `_id` is reused. `wait()` polls until SUCCESS.
 * @example
 * ```ts
 * import { Client, File, Graph, Operation } from '@pipeloom/sdk/plynx';
 *
 * const client = new Client({ endpoint: 'http://localhost:8080/plynx/api/v0', token: process.env.PLYNX_TOKEN });
 * const Sum = Operation({ id: '5d2d4b1dc36682386f559e03', title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
 * const seq = File({ id: '5d2d4b1dc36682386f559e01', title: 'seq 100' });
 * const graph = new Graph(client, { title: 'Sum', description: 'Example', targets: [Sum({ input: seq.outputs.out })] });
 * await graph.approve().wait();
 * ```
 */
export class Graph {
  readonly title: string;
  readonly description: string;
  readonly targets: readonly NodeInstance[];
  /** The graph as the server answered the last save or approve; null before. */
  document: PlynxGraph | null = null;
  /** The graph's page in the web UI, after a save or approve. */
  url: string | null = null;

  constructor(
    readonly client: Client,
    options: GraphOptions,
  ) {
    this.title = options.title ?? '';
    this.description = options.description ?? '';
    const targets = options.targets;
    this.targets = targets instanceof NodeInstance ? [targets] : [...targets];
    for (const target of this.targets) {
      if (!(target instanceof NodeInstance)) throw new InvalidTypeArgumentError(`Target is expected to be a node instance, found \`${typeof target}\``);
    }
  }

  /** `_id` of the stored graph, after a save or approve. @example `console.log(graph.id);` */
  get id(): string | undefined {
    return this.document?._id;
  }

  /**
   * The graph document that save and approve post, built as the python client's `_dictify()`.
   * @example
   * ```ts
   * const doc = await graph.dictify(); // doc.nodes: the library nodes merged with the script's values
   * ```
   */
  dictify(): Promise<PlynxGraph> {
    return dictifyGraph(this, async (id) => (await this.client.nodes.get(id)).data);
  }

  private async post(action: 'SAVE' | 'APPROVE'): Promise<Graph> {
    const doc = await this.dictify();
    if (this.document?._id) doc._id = this.document._id;
    const answer = await this.client.graphs.post(doc, [CLIENT_LAYOUT_ACTION, action]).catch((e: unknown) => {
      if (e instanceof ValidationFailedError) {
        this.client.logger?.error('Validation error:');
        for (const line of e.lines) this.client.logger?.error(line);
      }
      throw e;
    });
    this.document = answer.graph ?? null;
    this.url = answer.url ?? null;
    this.client.logger?.info(`Graph successfully ${action === 'SAVE' ? 'saved' : 'approved'}: ${this.url ?? ''}`);
    return this;
  }

  /**
   * Saves the graph (CREATED, editable). Await it; `.wait()` on it is refused since a saved graph does not run.
   * @example
   * ```ts
   * await graph.save();
   * console.log(graph.id, graph.url);
   * ```
   */
  save(): GraphAction {
    return new GraphAction(this, this.post('SAVE'));
  }

  /**
   * Approves the graph: validated, READY, then run by the server. Await it, or call `.wait()` to wait for the run.
   * @example
   * ```ts
   * await graph.approve().wait({ onProgress: (p) => console.log(p.line) });
   * ```
   */
  approve(): GraphAction {
    return new GraphAction(this, this.post('APPROVE'));
  }

  /**
   * Polls the stored graph (every second by default) until it is SUCCESS; FAILED, CANCELED or any other end
   * throws {@link GraphFailed}. Progress lines go to the client's logger and `onProgress`.
   * @example
   * ```ts
   * await graph.wait({ signal: AbortSignal.timeout(10 * 60_000), intervalMs: 2000 });
   * ```
   */
  async wait(options: WaitOptions = {}): Promise<Graph> {
    const id = this.document?._id;
    if (!this.document || !id) throw new InvalidUsageError('The graph was neither saved nor approved yet');
    if ((this.document.graph_running_status ?? 'CREATED').toUpperCase() === 'CREATED') throw new InvalidUsageError('The graph must be approved first');
    const logger = this.client.logger;
    this.document = await pollGraph(async () => (await this.client.graphs.get(id)).data, options, logger && ((line) => logger.info(line)));
    return this;
  }
}

// The edge collections under /workflows/{workflow}/edges/{name} (semantics.md §6): POST, list, get,
// DELETE one and DELETE all; there is no PUT. An edge's ends must be documents of the collections that
// edge connects, in the same workflow.
import { AppError, notFound } from '../errors.ts';
import { EDGES, isEdgeName, isVertexCollection, type EdgeName, type VertexCollection } from './collections.ts';
import { listQuery, page, parseDocumentId, parseKey, rejectIdentity, type Page } from './documents.ts';
import type { DocumentRepository } from './document-repository.ts';
import { edgeToWire, type Doc, type Edge } from './wire.ts';
import type { WorkflowService } from './workflow-service.ts';

function edgeName(name: string): EdgeName {
  if (!isEdgeName(name)) throw new AppError('INVALID_ARGUMENT', `unknown edge collection ${name}; use one of ${Object.keys(EDGES).join(', ')}`);
  return name;
}

export class EdgeService {
  constructor(
    private readonly repo: DocumentRepository,
    private readonly workflows: WorkflowService,
  ) {}

  async list(workflowKey: string, name: string, query: Doc): Promise<Page<Edge>> {
    const edge = edgeName(name);
    const workflowId = await this.workflows.idOf(workflowKey);
    const q = listQuery(query, []);
    const { rows, total } = await this.repo.reader.listEdges(workflowId, edge, q.skip, q.take);
    return page(rows.map(edgeToWire), q.skip, total);
  }

  async get(workflowKey: string, name: string, key: string): Promise<Edge> {
    const edge = edgeName(name);
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.reader.getEdge(workflowId, edge, parseKey(key, `${name} edge`));
    if (!row) throw notFound(`${name} edge ${key} of workflow ${workflowKey}`);
    return edgeToWire(row);
  }

  async create(workflowKey: string, name: string, body: Edge): Promise<Edge> {
    const edge = edgeName(name);
    const workflowId = await this.workflows.idOf(workflowKey);
    rejectIdentity(body, `${name} edge`);
    const end = (field: '_from' | '_to', id: string, allowed: readonly VertexCollection[]) => {
      const parsed = parseDocumentId(id);
      const collection = parsed?.collection;
      if (!parsed || !collection || !isVertexCollection(collection) || !allowed.includes(collection)) {
        throw new AppError('INVALID_ARGUMENT', `${field} of a ${name} edge must be a ${allowed.join(' or ')} _id; got ${JSON.stringify(id)}`);
      }
      if (parsed.workflowId !== workflowId) throw new AppError('INVALID_ARGUMENT', `${field} ${id} belongs to another workflow`);
      return { collection, id: parsed.id };
    };
    const from = end('_from', body._from, EDGES[edge].from);
    const to = end('_to', body._to, EDGES[edge].to);
    const row = await this.repo.transaction(async (tx) => {
      for (const [field, end] of [['_from', from], ['_to', to]] as const) {
        const found = await tx.existing(end.collection, workflowId, [end.id]);
        if (!found.size) throw new AppError('INVALID_ARGUMENT', `${field} ${end.collection}__${workflowId}/${end.id} does not exist`);
      }
      return tx.createEdge(workflowId, { name: edge, from_collection: from.collection, from_id: from.id, to_collection: to.collection, to_id: to.id, data: body.data ?? null });
    });
    return edgeToWire(row);
  }

  async remove(workflowKey: string, name: string, key: string): Promise<Edge> {
    const edge = edgeName(name);
    const workflowId = await this.workflows.idOf(workflowKey);
    const row = await this.repo.reader.deleteEdge(workflowId, edge, parseKey(key, `${name} edge`));
    if (!row) throw notFound(`${name} edge ${key} of workflow ${workflowKey}`);
    return edgeToWire(row);
  }

  async removeAll(workflowKey: string, name: string): Promise<{ message: string }> {
    const edge = edgeName(name);
    const workflowId = await this.workflows.idOf(workflowKey);
    const count = await this.repo.reader.deleteEdges(workflowId, edge);
    return { message: `Deleted ${count} documents in ${name}__${workflowId}` };
  }
}

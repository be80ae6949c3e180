// The rules of the node library (operations and files): reading, templates, searching and the actions of
// POST /nodes. Only the author changes a stored node; VALIDATE and PREVIEW_CMD are open to everyone.
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { BASE_NODE_NAMES, nodeTemplate } from '../model/base-nodes.ts';
import { formatPlynxDate } from '../model/dates.ts';
import { nodeToWire, parseNode } from '../model/documents.ts';
import { isObjectId } from '../model/object-id.ts';
import { mayChange } from '../model/users.ts';
import type { NodeDoc } from '../model/document-types.ts';
import type { Node, NodeAction, NodeStatus, PlynxUser, ResourcesDict } from '../model/types.ts';
import { parseSearchString } from '../model/search-string.ts';
import { validateNode } from '../model/validation.ts';
import { previewCommand } from '../preview/preview.ts';
import { userList, type AuthorDirectory } from '../users/author-directory.ts';
import type { NodeRepository, StoredNode } from './node-repository.ts';

export interface NodeServiceDeps {
  nodes: NodeRepository;
  authors: AuthorDirectory;
  clock: Clock;
  resourcesDict(): ResourcesDict;
  transaction<T>(fn: (repos: { nodes: NodeRepository }) => Promise<T>): Promise<T>;
}

export interface NodeSearchRequest {
  search?: string;
  per_page?: number;
  offset?: number;
  status?: NodeStatus | NodeStatus[];
  base_node_names?: string[];
}

const OPEN_NODE_ACTIONS: ReadonlySet<NodeAction> = new Set(['VALIDATE', 'PREVIEW_CMD']);

export function nodeService(deps: NodeServiceDeps) {
  const { nodes, authors, clock } = deps;
  const dates = (stored: StoredNode) => ({ insertion_date: formatPlynxDate(stored.insertionDate), update_date: formatPlynxDate(stored.updateDate) });

  return {
    /** GET /nodes/{id}: a stored node, or a fresh template when `id` names a base node. */
    async get(id: string, user: PlynxUser) {
      const template = (BASE_NODE_NAMES as readonly string[]).includes(id) ? nodeTemplate(id) : null;
      if (template) return { data: nodeToWire(template), resources_dict: deps.resourcesDict(), status: 'success' as const };
      if (!isObjectId(id)) throw new AppError('DOCUMENT_NOT_FOUND', 'Invalid ID');
      const stored = await nodes.find(id);
      if (!stored) throw new AppError('DOCUMENT_NOT_FOUND', `Node \`${id}\` was not found`);
      return {
        data: nodeToWire(stored.node, { _readonly: !mayChange(stored.node.author, user), ...dates(stored) }),
        resources_dict: deps.resourcesDict(),
        status: 'success' as const,
      };
    },

    async search(request: NodeSearchRequest, user: PlynxUser) {
      const { filters, text } = parseSearchString(request.search ?? '');
      const statuses = request.status === undefined ? [] : Array.isArray(request.status) ? request.status : [request.status];
      const { items, total } = await nodes.search({
        ...(filters.author !== undefined ? { authorName: filters.author } : {}),
        statuses,
        baseNodeNames: request.base_node_names ?? [],
        text: { words: text.split(/\s+/).filter(Boolean) },
        starredFirst: filters.sort === 'starred',
        page: { offset: request.offset ?? 0, perPage: request.per_page ?? 20 },
      });
      const users = await authors(items.map((s) => s.authorName));
      return {
        items: items.map((s) => nodeToWire(s.node, { _readonly: !mayChange(s.node.author, user), ...dates(s), _user: userList(users, s.authorName) })),
        total_count: total,
        resources_dict: deps.resourcesDict(),
        status: 'success' as const,
      };
    },

    /** POST /nodes: the actions run in order on the posted node; all writes land in one transaction. */
    async post(rawNode: unknown, actions: NodeAction[], user: PlynxUser) {
      if (!actions.length) throw new AppError('INVALID_ARGUMENT', 'No action given: send `action`');
      const parsed = parseNode(rawNode);
      const stored = await nodes.find(parsed._id);
      if (stored && !mayChange(stored.node.author, user) && actions.some((a) => !OPEN_NODE_ACTIONS.has(a))) throw new AppError('FORBIDDEN', 'Permission denied');
      // A node stays its author's when an administrator saves it.
      let node: NodeDoc = { ...parsed, author: stored && mayChange(stored.node.author, user) ? stored.node.author : user.id, starred: false };
      const saves: NodeDoc[] = [];
      let preview: string | undefined;
      for (const action of actions) {
        const status = node.node_status ?? 'CREATED';
        switch (action) {
          case 'SAVE':
            if (status !== 'CREATED' && node.base_node_name !== 'file') throw new AppError('CONFLICT', `Cannot save node with status \`${status}\``);
            saves.push(structuredClone(node));
            break;
          case 'APPROVE':
          case 'VALIDATE': {
            if (action === 'APPROVE' && status !== 'CREATED') throw new AppError('CONFLICT', `Node status \`CREATED\` expected. Found \`${status}\``);
            const error = validateNode(node);
            if (error) {
              await write(saves);
              return { status: 'VALIDATION_FAILED' as const, message: 'Node validation failed', validation_error: error };
            }
            if (action === 'APPROVE') {
              node = { ...node, node_status: 'READY' };
              saves.push(structuredClone(node));
            }
            break;
          }
          case 'DEPRECATE':
          case 'MANDATORY_DEPRECATE':
            if (status === 'CREATED') throw new AppError('CONFLICT', 'Node status `CREATED` not expected.');
            node = { ...node, node_status: action === 'DEPRECATE' ? 'DEPRECATED' : 'MANDATORY_DEPRECATED' };
            saves.push(structuredClone(node));
            break;
          case 'PREVIEW_CMD':
            preview = previewCommand(node);
            break;
          default:
            throw new AppError('INVALID_ARGUMENT', `Unknown action \`${String(action)}\``);
        }
      }
      await write(saves);
      if (preview !== undefined) return { status: 'SUCCESS' as const, message: 'Successfully created preview', preview_text: preview };
      return { status: 'SUCCESS' as const, message: `Node(_id=\`${node._id}\`) successfully updated` };

      async function write(list: NodeDoc[]) {
        if (!list.length) return;
        const now = new Date(clock.now());
        await deps.transaction(async ({ nodes: tx }) => {
          for (const n of list) {
            // Checked again inside the transaction: someone else may have stored this _id since it was read.
            const existing = await tx.find(n._id);
            if (existing && !mayChange(existing.node.author, user)) throw new AppError('FORBIDDEN', 'Permission denied');
            await tx.save(n, existing ? existing.authorName : user.username, now);
          }
        });
      }
    },

    /** Stores a File node made by upload_file. */
    async saveFileNode(node: Node, user: PlynxUser): Promise<Node> {
      const saved = await nodes.save({ ...parseNode(node), author: user.id }, user.username, new Date(clock.now()));
      return saved.node;
    },
  };
}

export type NodeService = ReturnType<typeof nodeService>;

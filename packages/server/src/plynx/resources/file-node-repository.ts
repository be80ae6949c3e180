// Saves a File node into the node library table. upload_file needs only this one write; the node library's
// own repository may take its place once it exists.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import type { Node, PlynxUser } from '../model/types.ts';

/** `saveFileNode` over the PlynxNode table: one new row holding the whole document. */
export function fileNodeRepository(db: Db, clock: Clock) {
  return {
    async saveFileNode(node: Node, user: PlynxUser): Promise<Node> {
      if (!node._id) throw new Error('a node is saved with its _id');
      const now = new Date(clock.now());
      await db.plynxNode.create({
        data: {
          id: node._id,
          title: node.title ?? '',
          description: node.description ?? '',
          baseNodeName: node.base_node_name ?? 'file',
          nodeStatus: node.node_status ?? 'READY',
          authorId: user.id,
          authorName: user.username,
          starred: node.starred ?? false,
          document: JSON.stringify(node),
          insertionDate: now,
          updateDate: now,
        },
      });
      return node;
    },
  };
}

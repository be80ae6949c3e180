// The File node upload_file creates: PLynx's default file node (READY, STATIC, one output `out`) carrying the
// form's title and description and pointing at the stored resource. Keys are in PLynx's document order.
import { newObjectId } from '../model/object-id.ts';
import type { Node } from '../model/types.ts';

export interface FileNodeFields {
  title: string;
  description: string;
  fileType: string;
  resourceId: string;
  /** ObjectId-style id of the uploading user. */
  author: string;
}

/** A new, not yet saved File node with a fresh `_id`. */
export function newFileNode({ title, description, fileType, resourceId, author }: FileNodeFields): Node {
  return {
    _id: newObjectId(),
    title,
    description,
    base_node_name: 'file',
    parent_node: null,
    successor_node: null,
    inputs: [],
    outputs: [{ name: 'out', file_type: fileType, resource_id: resourceId }],
    parameters: [],
    logs: [],
    node_running_status: 'STATIC',
    node_status: 'READY',
    cache_url: '',
    x: 0,
    y: 0,
    author,
    starred: false,
  };
}

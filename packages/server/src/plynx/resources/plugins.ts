// The file types ("resource plugins") this server knows, in the order PLynx lists its defaults. Clients read
// them as `resources_dict` (search_nodes, GET /nodes/{id}) to label and colour inputs and outputs, and
// upload_file accepts only these names as `file_type`.
import type { ResourcesDict } from '../model/types.ts';

export interface ResourceType {
  name: string;
  alias: string;
  /** An icon name the PLynx UI resolves (`feathericons.*` or `plynx.*`). */
  icon: string;
  /** A CSS colour for the UI, or '' for its default. */
  color: string;
}

/** The default plugins: what each file type is called and how the UI draws it. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  { name: 'file', alias: 'File', icon: 'feathericons.file', color: '#fff' },
  { name: 'pdf', alias: 'PDF file', icon: 'plynx.pdf', color: '' },
  { name: 'image', alias: 'Image', icon: 'plynx.image', color: '' },
  { name: 'csv', alias: 'CSV file', icon: 'plynx.csv', color: '' },
  { name: 'tsv', alias: 'TSV file', icon: 'plynx.tsv', color: '' },
  { name: 'json', alias: 'JSON file', icon: 'plynx.json', color: '' },
  // Made executable when handed to an operation.
  { name: 'executable', alias: 'Executable', icon: 'feathericons.play', color: '#fcff57' },
  // A folder travels as a zip archive: zipped when produced, unzipped when handed to an operation.
  { name: 'directory', alias: 'Directory', icon: 'feathericons.folder', color: '#f44' },
  // The file holds `{"path": "<url of the object>"}`; the data itself stays in the cloud.
  { name: 'cloud-storage', alias: 'Cloud Storage', icon: 'feathericons.hard-drive', color: '#5ed1ff' },
];

/** The default file type of upload_file and of File nodes. */
export const FILE_KIND = 'file';

/** `resources_dict` as PLynx answers it: every type keyed by its name, in plugin order. */
export function resourcesDict(): ResourcesDict {
  return Object.fromEntries(RESOURCE_TYPES.map((t) => [t.name, { name: t.name, alias: t.alias, icon: t.icon, color: t.color }]));
}

/** Whether `name` is one of the known file types. */
export function isResourceType(name: string): boolean {
  return RESOURCE_TYPES.some((t) => t.name === name);
}

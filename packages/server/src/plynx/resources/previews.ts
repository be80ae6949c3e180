// HTML previews of stored resources, one renderer per file type, in the shapes the PLynx UI styles: text in
// <pre>, csv/tsv as a table with alternating row classes, images and PDFs by URL, zip archives as the list
// of their entries. Only the first megabyte is ever read (a zip's central directory excepted), and every
// piece of content is HTML-escaped: uploads come from anyone.
import { decodeUtf8, escapeHtml } from './html.ts';
import { prettyJson } from './json-pretty.ts';
import { listZipEntries, ZipListingError, type RangeReader } from './zip-listing.ts';

/** How much of a resource a text preview shows. */
export const PREVIEW_BYTES = 1024 * 1024;

export interface PreviewSource {
  resourceId: string;
  /** Size of the whole resource in bytes. */
  size: number;
  /** Reads a range of the resource. */
  read: RangeReader;
  /** Absolute base URL of the PLynx API (`https://host/plynx/api/v0`), for previews that link back. */
  apiBase: string;
}

type Renderer = (source: PreviewSource) => Promise<string>;

async function head(source: PreviewSource) {
  const bytes = await source.read(0, Math.min(source.size, PREVIEW_BYTES));
  return decodeUtf8(bytes, source.size > PREVIEW_BYTES);
}

const resourceUrl = (source: PreviewSource) => escapeHtml(`${source.apiBase}/resource/${encodeURIComponent(source.resourceId)}`);

const text: Renderer = async (source) => {
  const { text: body, valid } = await head(source);
  return `<pre>${escapeHtml(valid ? body : `# not a UTF-8 sequence:\n${body}`)}</pre>`;
};

function separated(separator: string): Renderer {
  return async (source) => {
    const rows = (await head(source)).text.split('\n').map((line, i) => {
      const cells = line.split(separator).map((cell) => `<td class="preview-table-col">${escapeHtml(cell)}</td>`).join('');
      return `<tr class="preview-table-row-${i % 2 === 0 ? 'even' : 'odd'}">${cells}</tr>`;
    });
    return `<table class="preview-table">${rows.join('\n')}</table>`;
  };
}

const json: Renderer = async (source) => {
  if (source.size > PREVIEW_BYTES) return text(source);
  try {
    return `<pre>${escapeHtml(prettyJson((await head(source)).text))}</pre>`;
  } catch (e) {
    return escapeHtml(`Failed to parse json: ${(e as Error).message}`);
  }
};

const image: Renderer = async (source) => `<img src="${resourceUrl(source)}" width="100%" alt="preview" />`;

const pdf: Renderer = async (source) => `<iframe src="${resourceUrl(source)}" title="preview" type="application/pdf" width="100%"/>`;

const directory: Renderer = async (source) => {
  try {
    const { names, omitted } = await listZipEntries(source.read, source.size);
    const lines = omitted ? [...names, `… and ${omitted} more entries`] : names;
    return `<pre>${escapeHtml(lines.join('\n'))}</pre>`;
  } catch (e) {
    if (e instanceof ZipListingError) return escapeHtml(`Failed to read the zip archive: ${e.message}`);
    throw e;
  }
};

// Links only to schemes that open an object, never to javascript: and the like.
const LINKABLE = /^(https?|s3|gs):\/\//i;

const cloudStorage: Renderer = async (source) => {
  let path: unknown;
  try {
    path = (JSON.parse((await head(source)).text) as { path?: unknown } | null)?.path;
  } catch (e) {
    return escapeHtml(`Failed to parse json: ${(e as Error).message}`);
  }
  if (typeof path !== 'string') return escapeHtml('Failed to read the cloud storage path: the file has no "path" string');
  return LINKABLE.test(path) ? `<a href="${escapeHtml(path)}">${escapeHtml(path)}</a>` : `<pre>${escapeHtml(path)}</pre>`;
};

const RENDERERS: Record<string, Renderer> = {
  file: text,
  pdf,
  image,
  csv: separated(','),
  tsv: separated('\t'),
  json,
  executable: text,
  directory,
  'cloud-storage': cloudStorage,
};

/** The HTML preview of `source` as file type `fileType`; plain text for a type without its own renderer. */
export function renderPreview(fileType: string, source: PreviewSource): Promise<string> {
  return (Object.hasOwn(RENDERERS, fileType) ? RENDERERS[fileType]! : text)(source);
}

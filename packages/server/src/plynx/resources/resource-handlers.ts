// HTTP side of files and resources. Uploads are read from the temporary files the multipart parser wrote;
// downloads and previews are written straight to the response (raw bytes streamed, previews as text/html),
// which is why those two handlers send their own answer instead of returning a JSON body.
import type { Request } from 'express';
import { AppError } from '../../errors.ts';
import type { HandlerContext, HandlerMap } from '../../http/handler.ts';
import { sendStream } from '../../http/send-stream.ts';
import { plynxUser } from '../model/users.ts';
import type { ResourceService, UploadedFile } from './resource-service.ts';

/** Where the PLynx API lives as seen by the caller, for previews that link back to a resource. */
const API_PATH = '/plynx/api/v0';

/** The reply of a handler that has already written the response itself; dispatch ignores it. */
const SENT = { status: 200 as const, body: '' };

function isUploadedFile(value: unknown): value is UploadedFile {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return typeof f.fieldname === 'string' && typeof f.path === 'string' && typeof f.size === 'number';
}

/** The file parts of a multipart request, as the multipart parser left them on disk. */
function uploadedFiles(req: Request): UploadedFile[] {
  const files: unknown = (req as Request & { files?: unknown }).files;
  const list = Array.isArray(files) ? files : typeof files === 'object' && files !== null ? Object.values(files).flat() : [];
  return list.filter(isUploadedFile);
}

/** Streams a resource, or its HTML preview, to the response. */
async function sendResource(
  service: ResourceService,
  ctx: HandlerContext<'plynx_get_resource'> | HandlerContext<'plynx_get_resource_singular'>,
): Promise<typeof SENT> {
  const { req, res, params, query } = ctx;
  if (query.preview) {
    if (!query.file_type) throw new AppError('INVALID_ARGUMENT', 'In preview mode `file_type` must be specified');
    const html = await service.preview(params.resource_id, query.file_type, `${req.protocol}://${req.get('host')}${API_PATH}`);
    res.status(200).type('text/html; charset=utf-8').send(html);
    return SENT;
  }
  const { size, stream } = await service.open(params.resource_id);
  await sendStream(res, { 'content-type': 'application/octet-stream', 'content-length': String(size) }, stream);
  return SENT;
}

/** The handlers of upload_file (POST and PUT), POST /resource and both resource download paths. */
export function createResourceHandlers(services: { resources: ResourceService }): HandlerMap {
  const service = services.resources;
  // POST and PUT take the same form; only the text parts are read from the body, the file from disk.
  const upload = async ({ req, body, identity }: HandlerContext<'plynx_upload_file'> | HandlerContext<'plynx_upload_file_put'>) => ({
    status: 200 as const,
    body: await service.uploadFile(uploadedFiles(req), { title: body.title, description: body.description, file_type: body.file_type }, plynxUser(identity)),
  });
  return {
    plynx_upload_file: upload,
    plynx_upload_file_put: upload,
    plynx_post_resource: async ({ req }) => ({ status: 200, body: await service.postResource(uploadedFiles(req)) }),
    plynx_get_resource: (ctx) => sendResource(service, ctx),
    plynx_get_resource_singular: (ctx) => sendResource(service, ctx),
  };
}

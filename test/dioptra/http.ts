// Small HTTP helpers for the Dioptra suites: Dioptra's clients send plain forms and JSON with `requests`, so
// these tests talk to the server the same way rather than through a typed SDK.

export interface Answer {
  status: number;
  body: unknown;
}

/** A file part of a multipart form. */
export interface FilePart {
  fileName: string;
  content: Buffer | string;
}

/** An answer read as bytes, with its headers (downloads and text). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

export function dioptraHttp(baseUrl: () => string) {
  const send = async (method: string, path: string, init: { form?: Record<string, string>; multipart?: Record<string, string>; files?: Record<string, FilePart>; json?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'python-requests/2.28.1' };
    let body: string | FormData | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.multipart || init.files) {
      const data = new FormData();
      for (const [k, v] of Object.entries(init.multipart ?? {})) data.append(k, v);
      for (const [k, f] of Object.entries(init.files ?? {})) data.append(k, new Blob([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)]), f.fileName);
      body = data;
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const r = await fetch(`${baseUrl()}${path}`, { method, headers, body });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    send,
    get: (path: string) => send('GET', path),
    put: (path: string, json?: unknown) => send('PUT', path, json === undefined ? {} : { json }),
    del: (path: string) => send('DELETE', path),
    postForm: (path: string, form: Record<string, string>) => send('POST', path, { form }),
    postMultipart: (path: string, multipart: Record<string, string>, files?: Record<string, FilePart>) => send('POST', path, { multipart, ...(files ? { files } : {}) }),
    putFiles: (path: string, files: Record<string, FilePart>) => send('PUT', path, { files }),
    /** GET answered as bytes rather than JSON. */
    async raw(path: string): Promise<RawAnswer> {
      const r = await fetch(`${baseUrl()}${path}`, { headers: { accept: '*/*' } });
      return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
    },
  };
}

export const MESSAGES = {
  experimentNotFound: 'Not Found - The requested experiment does not exist',
  experimentRegistration: 'Bad Request - The experiment registration form contains invalid parameters. Please verify and resubmit.',
  queueNotFound: 'Not Found - The requested queue does not exist',
  queueRegistration: 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.',
} as const;

/** An ISO-8601 timestamp as the server writes them. */
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Checks on the raw text of path and query parameters, just before express-openapi-validator sees them:
// - Integer parameters must be written as integers. The validator coerces them through ajv with `+value`,
//   which turns `Infinity`, `1e400`, `0x1F` and ` 12` into numbers that pass as integers (ajv checks the type
//   before it coerces); `Infinity` then reaches the database as null and the call fails as a 500.
// - No NUL character (`%00`) anywhere in the path or query: PostgreSQL cannot store or even compare text
//   holding one, so such a name or filter could only fail in the database; SQLite answers the same, for
//   one behaviour on both.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors.ts';
import type { OpenApiDocument, SpecOperation } from '../spec.ts';
import type { OperationMatcher } from './operation-matcher.ts';

interface IntegerParameter {
  name: string;
  in: 'query' | 'path';
  /** For a path parameter: its segment's index in the template. */
  segment: number;
}

const NUL = /%00/;

/** A whole number of at most 16 digits, optionally signed: what a client that means an integer sends. */
const INTEGER_TEXT = /^[-+]?\d{1,16}$/;

export function parameterText(document: OpenApiDocument, operations: SpecOperation[], match: OperationMatcher): RequestHandler {
  const byOperation = new Map<string, IntegerParameter[]>();
  for (const op of operations) {
    const item = document.paths[op.path];
    const declared = [...(item.parameters ?? []), ...(item[op.method]?.parameters ?? [])].map((p) => resolve(document, p));
    const integers = declared.filter((p) => (p.in === 'query' || p.in === 'path') && isInteger(resolve(document, p.schema)));
    if (integers.length) {
      const segments = op.path.split('/');
      byOperation.set(op.operationId, integers.map((p) => ({ name: p.name, in: p.in, segment: segments.indexOf(`{${p.name}}`) })));
    }
  }
  return (req: Request, _res: Response, next: NextFunction) => {
    if (NUL.test(req.url)) return next(new AppError('VALIDATION_FAILED', 'the path and query may not contain NUL (%00) characters'));
    const op = match(req.method, req.path);
    const params = op && byOperation.get(op.operationId);
    if (!params) return next();
    for (const p of params) {
      const raw = p.in === 'query' ? req.query[p.name] : pathSegment(req.path, p.segment);
      // Absent values and repeated or nested query values are the validator's to judge.
      if (typeof raw !== 'string' || INTEGER_TEXT.test(raw)) continue;
      return next(new AppError('VALIDATION_FAILED', `/${p.in === 'query' ? 'query' : 'params'}/${p.name} must be integer`));
    }
    next();
  };
}

function pathSegment(path: string, index: number): string | undefined {
  const segment = path.split('/')[index];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    // Broken percent-encoding is answered by the router's own 400.
    return undefined;
  }
}

function isInteger(schema: OpenApiDocument | undefined): boolean {
  const type = schema?.type;
  return type === 'integer' || (Array.isArray(type) && type.includes('integer') && !type.includes('string'));
}

function resolve(document: OpenApiDocument, node: OpenApiDocument | undefined): OpenApiDocument {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 16; i++) {
    n = n.$ref.slice(2).split('/').reduce((o: OpenApiDocument | undefined, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  return n ?? {};
}

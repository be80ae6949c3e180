// Field coercion the way PLynx applies it when it reads a document: a missing or null field takes its
// default; otherwise ints go through int(), strings through str(), ObjectIds must parse. Where Python
// would raise (and answer 500) these throw an AppError naming the field, so bad input is a 400.
import { AppError } from '../../errors.ts';
import { isObjectId } from './object-id.ts';

export type Raw = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const invalid = (field: string, rule: string, value: unknown): AppError =>
  new AppError('INVALID_ARGUMENT', `\`${field}\` ${rule} (got ${describe(value)})`);

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const isMissing = (value: unknown): value is null | undefined => value === null || value === undefined;

/** Python's str() of a JSON scalar; lists and objects are refused rather than printed as Python would. */
export function toStr(value: unknown, field: string, fallback: string): string {
  if (isMissing(value)) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw invalid(field, 'must be a string', value);
}

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/**
 * Python's int(): whole numbers, booleans, fractions (truncated) and strings holding a whole number
 * (`" 5 "`, `"+5"`, `"1_000"`). Numbers beyond 2^53 are refused since they cannot be held exactly.
 */
export function toInt(value: unknown, field: string, fallback: number): number {
  if (isMissing(value)) return fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  let result: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) result = Math.trunc(value);
  else if (typeof value === 'string' && INT_TEXT.test(value)) result = Number(value.replace(/[\s_]/g, ''));
  if (result === undefined || !Number.isSafeInteger(result)) throw invalid(field, 'must be a whole number', value);
  return result === 0 ? 0 : result; // no -0
}

/** Booleans, and numbers by their truth (PLynx accepts 0/1). Strings are refused: bool("false") is True. */
export function toBool(value: unknown, field: string, fallback: boolean): boolean {
  if (isMissing(value)) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value !== 0;
  throw invalid(field, 'must be true or false', value);
}

/** An ObjectId field: null when absent, else 24 hexadecimal digits (answered in lower case). */
export function toObjectIdOrNull(value: unknown, field: string): string | null {
  if (isMissing(value)) return null;
  if (isObjectId(value)) return value.toLowerCase();
  throw invalid(field, 'must be a 24-digit hexadecimal ObjectId', value);
}

/** A string field whose default is null (resource ids of outputs). */
export function toStrOrNull(value: unknown, field: string): string | null {
  return isMissing(value) ? null : toStr(value, field, '');
}

/** One of a fixed set of names (statuses). */
export function toEnum<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  const text = toStr(value, field, fallback);
  const found = allowed.find((name) => name === text);
  if (found === undefined) throw invalid(field, `must be one of ${allowed.join(', ')}`, value);
  return found;
}

/** A list field: null or absent is empty; each element goes through `item` with its index in the name. */
export function toList<T>(value: unknown, field: string, item: (element: unknown, field: string) => T): T[] {
  if (isMissing(value)) return [];
  if (!Array.isArray(value)) throw invalid(field, 'must be a list', value);
  return value.map((element, index) => item(element, `${field}[${index}]`));
}

/** A nested document: null stands for all defaults, as PLynx builds it from an empty dict. */
export function toObject(value: unknown, field: string): Raw {
  if (isMissing(value)) return {};
  if (!isPlainObject(value)) throw invalid(field, 'must be an object', value);
  return value;
}

/** A string list element: null is refused (Python would store the text "None"). */
export const toStrElement = (value: unknown, field: string): string => {
  if (isMissing(value)) throw invalid(field, 'must be a string', value);
  return toStr(value, field, '');
};

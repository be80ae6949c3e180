// The search box of the PLynx listings: `key:value` tokens are filters, the rest is free text.
import { AppError } from '../../errors.ts';

const FILTER = /\S+:\S+/gu;

/**
 * Splits a search string into filters and text. Every run of non-blank characters with a colon inside
 * (`author:alice`) is a filter; a later filter with the same key wins. The text is what remains with
 * blanks collapsed to single spaces. A filter with more than one colon (`a:b:c`) throws AppError
 * INVALID_ARGUMENT (PLynx fails with a 500).
 */
export function parseSearchString(search: string): { filters: Record<string, string>; text: string } {
  const entries: [string, string][] = [];
  for (const [token] of search.matchAll(FILTER)) {
    const parts = token.split(':');
    const [key, value] = parts;
    if (parts.length !== 2 || key === undefined || value === undefined) {
      throw new AppError('INVALID_ARGUMENT', `Invalid search filter \`${token}\`: use key:value with a single colon`);
    }
    entries.push([key, value]);
  }
  const text = search.replace(FILTER, '').split(/\s+/u).filter(Boolean).join(' ');
  // fromEntries defines own properties, so keys such as `__proto__` stay plain data.
  return { filters: Object.fromEntries(entries), text };
}

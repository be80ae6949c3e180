// Search strings: key:value filters and collapsed free text.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../packages/server/src/errors.ts';
import { parseSearchString } from '../../../packages/server/src/plynx/model/search-string.ts';

describe('parseSearchString', () => {
  it('splits filters from text and collapses blanks', () => {
    expect(parseSearchString('  grep   author:alice  sum\torder:title ')).toEqual({ filters: { author: 'alice', order: 'title' }, text: 'grep sum' });
  });

  it('keeps the last value of a repeated key and reads the "my items" form', () => {
    expect(parseSearchString('desc:0 desc:1')).toEqual({ filters: { desc: '1' }, text: '' });
    expect(parseSearchString('author:default ')).toEqual({ filters: { author: 'default' }, text: '' });
  });

  it('leaves tokens that are not key:value in the text', () => {
    expect(parseSearchString('a: :b')).toEqual({ filters: {}, text: 'a: :b' });
    expect(parseSearchString('')).toEqual({ filters: {}, text: '' });
  });

  it('stores odd keys as plain data', () => {
    const { filters } = parseSearchString('__proto__:x');
    expect(Object.keys(filters)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(filters)).toBe(Object.prototype);
  });

  it.each(['a:b:c', 'x a::b'])('When a token has two colons (%s), then it is a 400', (search) => {
    expect(() => parseSearchString(search)).toThrow(AppError);
    expect(() => parseSearchString(search)).toThrow(/Invalid search filter/);
  });
});

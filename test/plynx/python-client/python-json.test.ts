// The replay's json.dumps/json.loads against outputs of CPython's own json module (fixture made with it).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PyFloat, pyDict, pyDumps, pyFloatRepr, pyLoads } from './python-json.ts';

const cases = JSON.parse(fs.readFileSync(new URL('../../fixtures/plynx-client/python-json-cases.json', import.meta.url), 'utf8')) as Array<{ source: string; dumps: string }>;

describe('Python-compatible JSON for the client replay', () => {
  it.each(cases.map((c, i) => [i, c] as const))('When case %i is loaded and dumped, then the bytes equal CPython json.dumps', (_i, c) => {
    expect(pyDumps(pyLoads(c.source))).toBe(c.dumps);
  });

  it('When floats are printed, then they follow repr()', () => {
    const reprs = [1, 2.5, 1e16, 1.5e16, 1e-5, 0.0001, 123.0, 1e22, -3e-7, 9007199254740993].map(pyFloatRepr);
    expect(reprs).toEqual(['1.0', '2.5', '1e+16', '1.5e+16', '1e-05', '0.0001', '123.0', '1e+22', '-3e-07', '9007199254740992.0']);
  });

  it('When a dict is built in code, then its key order is kept, integer-like keys included', () => {
    expect(pyDumps(pyDict([['b', 1n], ['1', new PyFloat(2)], ['a', [null, true]]]))).toBe('{"b": 1, "1": 2.0, "a": [null, true]}');
  });
});

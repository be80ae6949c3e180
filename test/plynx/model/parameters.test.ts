// Parameter values per type: defaults for null, PLynx's coercions, and 400s for values of the wrong shape.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../packages/server/src/errors.ts';
import { coerceParameterValue, parseParameter } from '../../../packages/server/src/plynx/model/parameters.ts';

describe('coerceParameterValue', () => {
  it.each([
    ['str', null, ''],
    ['text', undefined, ''],
    ['int', null, 0],
    ['bool', null, false],
    ['enum', null, { values: [], index: -1 }],
    ['list_str', null, []],
    ['list_int', null, []],
    ['code', null, { value: '', mode: 'python' }],
  ])('When a %s value is null, then it takes the type default', (type, value, expected) => {
    expect(coerceParameterValue(type, value)).toEqual(expected);
  });

  it.each([
    ['str', 'hello', 'hello'],
    ['text', 'a\nb', 'a\nb'],
    ['int', 5, 5],
    ['int', '5', 5],
    ['int', ' -12 ', -12],
    ['bool', true, true],
    ['bool', 0, false],
    ['bool', 1, true],
    ['enum', { values: ['a', 'b'], index: 1 }, { values: ['a', 'b'], index: '1' }],
    ['enum', { values: ['a', 2] }, { values: ['a', '2'], index: -1 }],
    ['list_str', ['a', 'b'], ['a', 'b']],
    ['list_int', [1, '2'], [1, 2]],
    ['code', { value: 'echo' }, { value: 'echo', mode: 'python' }],
    ['code', { value: 'ls', mode: 'sh', extra: 1 }, { value: 'ls', mode: 'sh' }],
  ])('When a %s value is %j, then it is stored as %j', (type, value, expected) => {
    expect(coerceParameterValue(type, value)).toEqual(expected);
  });

  it.each([
    ['str', 5, /`value` must be a string \(got 5\)/],
    ['int', 'abc', /`value` must be a whole number \(got "abc"\)/],
    ['int', 1.5, /must be a whole number \(got 1.5\)/],
    ['bool', 'true', /must be true, false, 0 or 1/],
    ['enum', 'a', /must be an object with `values` and `index`/],
    ['enum', { values: 'ab' }, /`value.values` must be a list/],
    ['list_str', ['a', 1], /`value\[1\]` must be a string/],
    ['list_int', ['x'], /`value\[0\]` must be a whole number/],
    ['list_int', 'x', /must be a list/],
    ['code', 'echo', /must be an object with `value` and `mode`/],
    ['float', 1, /`parameter_type` must be one of str, int, bool, text, enum, list_str, list_int, code \(got "float"\)/],
  ])('When a %s value is %j, then it is refused with a 400', (type, value, message) => {
    expect(() => coerceParameterValue(type, value)).toThrow(AppError);
    expect(() => coerceParameterValue(type, value)).toThrow(message);
  });
});

describe('parseParameter', () => {
  it('defaults to an exposed-nowhere str parameter', () => {
    expect(parseParameter({})).toEqual({ name: '', parameter_type: 'str', value: '', mutable_type: true, removable: true, publicable: true, widget: null });
    expect(parseParameter(null)).toEqual(parseParameter({}));
  });

  it('keeps a widget alias and fills a missing one', () => {
    expect(parseParameter({ name: 'p', widget: { alias: 'P', x: 1 } }).widget).toEqual({ alias: 'P' });
    expect(parseParameter({ name: 'p', widget: {} }).widget).toEqual({ alias: '' });
  });

  it('names the parameter field in errors', () => {
    expect(() => parseParameter({ parameter_type: 'bool', value: 'x' }, 'node.parameters[2]')).toThrow(/`node.parameters\[2\].value` must be true, false, 0 or 1/);
  });
});

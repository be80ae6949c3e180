// Values handed to the template engine. Lists print as Python prints them (`['a', 'b']`), as they would
// in PLynx's Jinja2 templates, while staying real arrays for filters such as `join` and for loops.
import { pyRepr } from '../plynx-graph/py-repr.js';
import type { PyValue } from './node-shape.js';
import type { ResourceDicts } from './workspace.js';

export type TemplateValue = PyValue | TemplateValue[];

function pythonList(values: readonly PyValue[]): PyValue[] {
  const list = [...values];
  Object.defineProperty(list, 'toString', { value: () => pyRepr(values), enumerable: false });
  return list;
}

export function templateValue(value: PyValue): TemplateValue {
  return Array.isArray(value) ? pythonList(value) : value;
}

/** A name → value map as a plain object (own properties only, so names like `constructor` stay data). */
export function templateDict(entries: Iterable<[string, PyValue]>): Record<string, TemplateValue> {
  const dict: Record<string, TemplateValue> = Object.create(null);
  for (const [name, value] of entries) dict[name] = templateValue(value);
  return dict;
}

/** Each resource kind (`input`, `output`, ...) as a template dict. */
export function resourceContext(dicts: ResourceDicts): Record<string, Record<string, TemplateValue>> {
  return Object.fromEntries([...dicts].map(([kind, byName]) => [kind, templateDict(byName)]));
}

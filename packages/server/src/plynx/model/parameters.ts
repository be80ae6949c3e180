// Parameters: the value's shape depends on `parameter_type`. A null value takes the type's default; a
// value of the wrong shape is refused with a 400 naming the field (PLynx fails an assertion, a 500).
import { invalid, isPlainObject, toBool, toObject, toStr, toStrElement, type Raw } from './coerce.ts';
import {
  PARAMETER_TYPES,
  type CodeValueDoc,
  type EnumValueDoc,
  type ParameterDoc,
  type ParameterType,
  type ParameterValueByType,
  type WidgetDoc,
} from './document-types.ts';

/** A parameter type together with a value of that type. */
export type TypedParameterValue = {
  [T in ParameterType]: { parameter_type: T; value: ParameterValueByType[T] };
}[ParameterType];

const INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/** A whole number, or a string holding one; fractions and booleans are refused. */
function intValue(value: unknown, field: string): number {
  let result: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) result = value;
  else if (typeof value === 'string' && INT_TEXT.test(value)) result = Number(value.replace(/[\s_]/g, ''));
  if (result === undefined || !Number.isSafeInteger(result)) throw invalid(field, 'must be a whole number', value);
  return result === 0 ? 0 : result;
}

function textValue(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string', value);
  return value;
}

/** PLynx takes any integer as a bool (0/1 in practice) and stores it; its truth value is kept here. */
function boolValue(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value !== 0;
  throw invalid(field, 'must be true, false, 0 or 1', value);
}

function listValue<T>(value: unknown, field: string, item: (element: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be a list', value);
  return value.map((element, index) => item(element, `${field}[${index}]`));
}

function enumValue(value: unknown, field: string): EnumValueDoc {
  if (!isPlainObject(value)) throw invalid(field, 'must be an object with `values` and `index`', value);
  const values = value.values === null || value.values === undefined ? [] : listValue(value.values, `${field}.values`, toStrElement);
  // PLynx keeps a posted index as str(index), so answers carry e.g. "1"; readers convert it back.
  const index = value.index === null || value.index === undefined ? -1 : toStr(value.index, `${field}.index`, '');
  return { values, index };
}

function codeValue(value: unknown, field: string): CodeValueDoc {
  if (!isPlainObject(value)) throw invalid(field, 'must be an object with `value` and `mode`', value);
  return { value: toStr(value.value, `${field}.value`, ''), mode: toStr(value.mode, `${field}.mode`, 'python') };
}

function isParameterType(name: string): name is ParameterType {
  return PARAMETER_TYPES.some((type) => type === name);
}

/** Checks `parameterType` and coerces `value` to it (null → the type's default), keeping both together. */
export function typedParameterValue(
  parameterType: string,
  value: unknown,
  field = 'value',
  typeField = 'parameter_type',
): TypedParameterValue {
  if (!isParameterType(parameterType)) throw invalid(typeField, `must be one of ${PARAMETER_TYPES.join(', ')}`, parameterType);
  const missing = value === null || value === undefined;
  switch (parameterType) {
    case 'str':
    case 'text':
      return { parameter_type: parameterType, value: missing ? '' : textValue(value, field) };
    case 'int':
      return { parameter_type: 'int', value: missing ? 0 : intValue(value, field) };
    case 'bool':
      return { parameter_type: 'bool', value: missing ? false : boolValue(value, field) };
    case 'enum':
      return { parameter_type: 'enum', value: missing ? { values: [], index: -1 } : enumValue(value, field) };
    case 'list_str':
      return { parameter_type: 'list_str', value: missing ? [] : listValue(value, field, textValue) };
    case 'list_int':
      return { parameter_type: 'list_int', value: missing ? [] : listValue(value, field, intValue) };
    case 'code':
      return { parameter_type: 'code', value: missing ? { value: '', mode: 'python' } : codeValue(value, field) };
  }
}

/**
 * A parameter value coerced to `parameterType`: str/text → string (null → ''), int → integer ("5" → 5),
 * bool → boolean (true/false/0/1), enum → `{values, index}` with a posted index kept as a string,
 * list_str → string[], list_int → integer[], code → `{value, mode}` (defaults '' and 'python').
 * Throws AppError INVALID_ARGUMENT for an unknown type or a value of the wrong shape.
 */
export function coerceParameterValue(parameterType: string, value: unknown, field = 'value'): TypedParameterValue['value'] {
  return typedParameterValue(parameterType, value, field).value;
}

function parseWidget(raw: unknown, field: string): WidgetDoc | null {
  if (raw === null || raw === undefined) return null;
  if (!isPlainObject(raw)) throw invalid(field, 'must be an object or null', raw);
  return { alias: toStr(raw.alias, `${field}.alias`, '') };
}

/** A parameter with PLynx's defaults filled in and its keys in PLynx's order. */
export function parseParameter(raw: unknown, field = 'parameter'): ParameterDoc {
  const doc: Raw = toObject(raw, field);
  const typeField = `${field}.parameter_type`;
  const typed = typedParameterValue(toStr(doc.parameter_type, typeField, 'str'), doc.value, `${field}.value`, typeField);
  return {
    name: toStr(doc.name, `${field}.name`, ''),
    ...typed,
    mutable_type: toBool(doc.mutable_type, `${field}.mutable_type`, true),
    removable: toBool(doc.removable, `${field}.removable`, true),
    publicable: toBool(doc.publicable, `${field}.publicable`, true),
    widget: parseWidget(doc.widget, `${field}.widget`),
  };
}

// Request-body validation against the contract, compiled lazily per operation (OpenAPI 3.1 = JSON Schema 2020-12).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { contract, operationObject, operationPointer, resolve, type OperationId, type RequestBody } from './contract.js';

const CONTRACT_ID = 'pipeloom-contract';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

function createAjv(coerceTypes: boolean): Ajv2020 {
  // strict: false lets OpenAPI keywords (example, discriminator, readOnly...) pass through as annotations.
  const ajv = new Ajv2020({ strict: false, allErrors: false, coerceTypes, validateFormats: true });
  addFormats(ajv);
  for (const format of ['binary', 'byte', 'int32', 'int64', 'float', 'double', 'password']) ajv.addFormat(format, true);
  ajv.addSchema(contract, CONTRACT_ID);
  return ajv;
}

let jsonAjv: Ajv2020 | undefined;
let formAjv: Ajv2020 | undefined;
/** JSON bodies are checked as sent; form fields arrive as text, so they are coerced like a server would. */
const ajvFor = (form: boolean) => (form ? (formAjv ??= createAjv(true)) : (jsonAjv ??= createAjv(false)));

const cache = new Map<string, ValidateFunction>();

/** A validator for the schema at `pointer` inside the contract (e.g. `#/components/schemas/workflow_model`). */
export function validatorAt(pointer: string, form = false): ValidateFunction {
  const key = `${form}:${pointer}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajvFor(form).compile({ $ref: `${CONTRACT_ID}${pointer}` });
    cache.set(key, validate);
  }
  return validate;
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** The pointer of an operation's request schema for one media type, or undefined when it has none. */
export function requestSchemaPointer(id: OperationId, contentType: string): string | undefined {
  const requestBody = operationObject(id).requestBody as { $ref?: string } | undefined;
  if (!resolve<RequestBody>(requestBody)?.content?.[contentType]?.schema) return undefined;
  const base = requestBody?.$ref ?? `${operationPointer(id)}/requestBody`;
  return `${base}/content/${escape(contentType)}/schema`;
}

/** The pointer of the schema of one response of an operation (`status` as written in the contract). */
export function responseSchemaPointer(id: OperationId, status: string, contentType: string): string {
  const response = operationObject(id).responses[status] as { $ref?: string } | undefined;
  const base = response?.$ref ?? `${operationPointer(id)}/responses/${status}`;
  return `${base}/content/${escape(contentType)}/schema`;
}

/** ajv's first error as one line, in the style of the server's validator (`request/body/name must be string`). */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'request/body is invalid';
  const extra = first.keyword === 'additionalProperties' ? `: '${String(first.params.additionalProperty)}'` : '';
  return `request/body${first.instancePath} ${first.message ?? 'is invalid'}${extra}`;
}

// Reads the upstream documentation (the seeds in ../shared/seeds and Torc's and Dioptra's own specs in
// ../shared/reference) and extracts the facts the contract tests check: which method + path pairs are
// documented, and which fields Torc's document models have. The extraction is committed as
// test/fixtures/upstream-endpoints.json so the tests also run where ../shared is absent.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export type Family = 'torc' | 'plynx' | 'dioptra' | 'flow';
export interface Endpoint { method: string; path: string }
export interface UpstreamFacts {
  seeds: Record<Family, Endpoint[]>;
  torc: { operations: Array<Endpoint & { operationId: string }>; models: Record<string, string[]> };
}

export const SHARED = path.resolve(import.meta.dirname, '../../../shared');
export const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/upstream-endpoints.json');

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const seed = (prefix: string) => {
  const dir = path.join(SHARED, 'seeds');
  const file = fs.readdirSync(dir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no seed ${prefix}_* in ${dir}`);
  return fs.readFileSync(path.join(dir, file), 'utf8');
};
const byPath = (a: Endpoint, b: Endpoint) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method);

/** Torc (seed 001): "- GET /workflows/{workflow}/jobs¶" lines, served under /torc-service. */
function torcSeed(): Endpoint[] {
  return [...seed('001').matchAll(/^- (GET|POST|PUT|DELETE|PATCH) (\/\S+?)¶?$/gm)].map((m) => ({ method: m[1]!, path: `/torc-service${m[2]}` }));
}

/** PLynx (seed 000): "plynx/api/v0/graphs/{graph_id} GET" lines; "POST or PUT" documents two operations. */
function plynxSeed(): Endpoint[] {
  const out: Endpoint[] = [];
  for (const m of seed('000').matchAll(/^(plynx\/api\/v0\/\S+) ((?:GET|POST|PUT|PATCH|DELETE)(?: or (?:GET|POST|PUT|PATCH|DELETE))*)/gm)) {
    for (const method of m[2]!.split(' or ')) out.push({ method, path: `/${m[1]}` });
  }
  return out;
}

/** Dioptra (seed 002): `.. http:get:: /api/...` entries plus every operation of Dioptra's openapi.yml that an
 *  `.. openapi:: ... :include: <regex>` directive pulls in. Directives inside the commented-out user section
 *  (written `.. .. http:...`) are not part of the documented API. */
function dioptraSeed(): Endpoint[] {
  const text = seed('002');
  const live = (index: number) => !text.slice(Math.max(0, index - 3), index).endsWith('.. ');
  const out: Endpoint[] = [];
  for (const m of text.matchAll(/\.\. http:(get|post|put|delete|patch):: (\S+)/g)) {
    if (live(m.index!)) out.push({ method: m[1]!.toUpperCase(), path: m[2]! });
  }
  const spec = YAML.parse(fs.readFileSync(path.join(SHARED, 'reference/dioptra/openapi.yml'), 'utf8'));
  for (const m of text.matchAll(/\.\. openapi:: \S+ :include: (\S+)/g)) {
    if (!live(m.index!)) continue;
    const re = new RegExp(`^${m[1]}$`);
    for (const [p, item] of Object.entries<Record<string, unknown>>(spec.paths)) {
      if (!re.test(p)) continue;
      for (const method of METHODS) if (item[method]) out.push({ method: method.toUpperCase(), path: p });
    }
  }
  return out;
}

/** Flow (seed 003): "GET URL_BASE/api/v1/flow/pipeline" lines. */
function flowSeed(): Endpoint[] {
  return [...seed('003').matchAll(/^(GET|POST|PUT|DELETE|PATCH) URL_BASE(\/\S+)/gm)].map((m) => ({ method: m[1]!, path: m[2]! }));
}

function torcUpstream(): UpstreamFacts['torc'] {
  const spec = YAML.parse(fs.readFileSync(path.join(SHARED, 'reference/torc/openapi.yaml'), 'utf8'));
  const operations: UpstreamFacts['torc']['operations'] = [];
  for (const [p, item] of Object.entries<Record<string, { operationId: string }>>(spec.paths)) {
    for (const method of METHODS) {
      if (item[method]) operations.push({ method: method.toUpperCase(), path: `/torc-service${p}`, operationId: item[method]!.operationId });
    }
  }
  const models: Record<string, string[]> = {};
  for (const [name, schema] of Object.entries<{ properties?: Record<string, unknown> }>(spec.components.schemas)) {
    if (name.endsWith('_model') && schema.properties) models[name] = Object.keys(schema.properties).sort();
  }
  return { operations: operations.sort(byPath), models };
}

const dedupe = (list: Endpoint[]) => [...new Map(list.map((e) => [`${e.method} ${e.path}`, e])).values()].sort(byPath);

/** The facts, freshly extracted from ../shared. */
export function extractUpstreamFacts(): UpstreamFacts {
  return {
    seeds: { torc: dedupe(torcSeed()), plynx: dedupe(plynxSeed()), dioptra: dedupe(dioptraSeed()), flow: dedupe(flowSeed()) },
    torc: torcUpstream(),
  };
}

export const sharedAvailable = () => fs.existsSync(path.join(SHARED, 'seeds')) && fs.existsSync(path.join(SHARED, 'reference/torc/openapi.yaml'));

export function loadFixture(): UpstreamFacts {
  return JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as UpstreamFacts;
}

// `npx tsx test/contract/upstream.ts` rewrites the fixture from ../shared.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  fs.writeFileSync(FIXTURE, `${JSON.stringify(extractUpstreamFacts(), null, 1)}\n`);
  console.log(`wrote ${FIXTURE}`);
}

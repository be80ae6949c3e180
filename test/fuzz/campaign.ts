// Runs a fuzz campaign against a running server: a fixed number of generated requests, a few in flight at
// once over keep-alive connections, each answer judged by the oracle. Successful answers feed the pool of
// known ids, so later requests reach stored records. Raw node:http is used instead of fetch because fetch
// would normalize the very paths (`..`, `%2F`) and framing this is meant to send.
import http from 'node:http';
import { bodyLength, describeRequest, IdPool, RequestGenerator, type FuzzCredentials, type FuzzRequest } from './generator.ts';
import { excerpt, judge, type FuzzResponse } from './oracle.ts';

export interface CampaignOptions {
  baseUrl: string;
  seed: number;
  requests: number;
  credentials: FuzzCredentials;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Seconds one request may take before it counts as a hang. */
  timeoutSeconds?: number;
  /** Called every `progressEvery` requests. */
  onProgress?: (done: number, report: CampaignReport) => void;
  progressEvery?: number;
  /** Ids to start from, e.g. gathered by a warm-up. */
  ids?: IdPool;
  /** Send only plausible calls (a warm-up that gathers ids). */
  only?: 'valid';
}

export interface CampaignFailure {
  request: string;
  problems: string[];
  status?: number;
  body?: string;
}

export interface CampaignReport {
  seed: number;
  sent: number;
  byStatus: Record<number, number>;
  byOperation: Record<string, number>;
  /** Operations that got at least one 2xx: the fuzzer got past validation and into their handlers. */
  reachedHandlers: Set<string>;
  failures: CampaignFailure[];
  failureCount: number;
  /** How often each kind of problem was seen (numbers left out), to read a failing run at a glance. */
  problemKinds: Record<string, number>;
  /** Connections the server closed without an answer where the request allowed it (bodies over the limit). */
  dropped: number;
  durationMs: number;
  rssMB: { start: number; peak: number; end: number };
}

const MAX_REPORTED_FAILURES = 40;
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const concurrency = options.concurrency ?? 12;
  const ids = options.ids ?? new IdPool();
  const generator = new RequestGenerator(options.seed, options.credentials, ids);
  const url = new URL(options.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const rss = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
  const report: CampaignReport = {
    seed: options.seed, sent: 0, byStatus: {}, byOperation: {}, reachedHandlers: new Set(), failures: [], failureCount: 0, problemKinds: {}, dropped: 0, durationMs: 0,
    rssMB: { start: rss(), peak: rss(), end: 0 },
  };
  const fail = (failure: CampaignFailure) => {
    report.failureCount++;
    for (const p of failure.problems) {
      const kind = `${failure.request.split(' ')[1]} ${failure.request.split(' ')[2]?.replace(/[\[\]]/g, '')}: ${p.replace(/\d+/g, 'N').slice(0, 80)}`;
      report.problemKinds[kind] = (report.problemKinds[kind] ?? 0) + 1;
    }
    if (report.failures.length < MAX_REPORTED_FAILURES) report.failures.push(failure);
  };
  const started = performance.now();
  let next = 0;

  async function worker() {
    while (next < options.requests) {
      const index = next++;
      const request = generator.build(index, options.only);
      report.byOperation[request.operationId] = (report.byOperation[request.operationId] ?? 0) + 1;
      let response: FuzzResponse;
      const t0 = performance.now();
      try {
        response = await send(agent, url, request, (options.timeoutSeconds ?? 30) * 1000);
        if (process.env.FUZZ_SLOW && performance.now() - t0 > Number(process.env.FUZZ_SLOW)) console.log(`slow ${Math.round(performance.now() - t0)} ms ${response.status} ${describeRequest(request).slice(0, 300)}`);
      } catch (e) {
        if (request.mayDrop && /ECONNRESET|EPIPE|socket hang up/i.test(String(e))) report.dropped++;
        else fail({ request: describeRequest(request), problems: [`no answer: ${String(e)}`] });
        continue;
      } finally {
        report.sent++;
        if (options.onProgress && report.sent % (options.progressEvery ?? 5000) === 0) options.onProgress(report.sent, report);
      }
      report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
      const problems = judge(request, response);
      if (problems.length) fail({ request: describeRequest(request), problems, status: response.status, body: excerpt(response) });
      if (response.status < 300) {
        report.reachedHandlers.add(request.operationId);
        harvest(ids, generator, request, response);
      }
      if (index % 500 === 0) report.rssMB.peak = Math.max(report.rssMB.peak, rss());
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  report.durationMs = Math.round(performance.now() - started);
  report.rssMB.end = rss();
  report.rssMB.peak = Math.max(report.rssMB.peak, report.rssMB.end);
  return report;
}

function harvest(ids: IdPool, generator: RequestGenerator, request: FuzzRequest, response: FuzzResponse): void {
  if (!/json/.test(String(response.headers['content-type'] ?? '')) || response.body.length > 1_000_000) return;
  const op = generator.operations.find((o) => o.operationId === request.operationId);
  if (!op) return;
  try {
    ids.harvest(op.family, op.path, JSON.parse(response.body.toString('utf8')));
  } catch {
    // A body that is not JSON has no ids to offer.
  }
}

/** Sends `r` as written and collects the whole answer. A reused keep-alive socket the server had closed is retried once. */
function send(agent: http.Agent, url: URL, r: FuzzRequest, timeoutMs: number, retry = true): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request({
      host: url.hostname, port: url.port, method: r.method, path: r.target, agent,
      headers: { ...r.headers, ...(r.body ? { 'content-length': String(bodyLength(r.body)) } : {}) },
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', (e) => {
        clearTimeout(timer);
        if (!settled) reject(e);
        settled = true;
      });
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      if (retry && req.reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET') send(agent, url, r, timeoutMs, false).then(resolve, reject);
      else reject(e);
    });
    for (const piece of r.body ?? []) req.write(piece);
    req.end();
  });
}

/** A one-paragraph summary of a campaign for the test log and the CLI. */
export function summarize(name: string, report: CampaignReport, operations: number): string {
  const statuses = Object.entries(report.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([s, n]) => `${s}:${n}`).join(' ');
  return [
    `${name}: ${report.sent} requests over ${Object.keys(report.byOperation).length}/${operations} operations in ${(report.durationMs / 1000).toFixed(1)} s (seed ${report.seed})`,
    `  statuses ${statuses}; ${report.reachedHandlers.size} operations answered 2xx at least once; ${report.dropped} connections dropped on oversized bodies`,
    `  RSS ${report.rssMB.start} MB at start, ${report.rssMB.peak} MB peak, ${report.rssMB.end} MB at end; ${report.failureCount} failures`,
    ...Object.entries(report.problemKinds).sort(([, a], [, b]) => b - a).slice(0, 60).map(([k, n]) => `  ${n} × ${k}`),
    ...report.failures.map((f) => `  FAIL ${f.request}\n       ${f.problems.join('; ')}${f.status ? ` -> ${f.status} ${f.body}` : ''}`),
  ].join('\n');
}

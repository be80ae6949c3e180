// The spec-driven fuzz test: for every operation of the contract, wrong types, missing and extra fields,
// huge strings and numbers, unicode and NUL bytes, deep nesting, wrong content types, broken JSON and
// multipart, hostile path segments and bad credentials. No answer may be a 5xx, every 4xx is in its
// family's error shape, and no body leaks a stack, SQL or a server path. A failure prints the seed and the
// request; `npm run fuzz -- --seed S --requests N` replays and extends the campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SUITES, PROVIDERS } from '../helpers/server.ts';
import { runCampaign, summarize } from './campaign.ts';
import { contractOperations } from './contract-model.ts';
import { startFuzzTarget, type FuzzTarget } from './target.ts';

// CI's bounded sample: 20,000 requests in all, shared between the databases under test (FUZZ_REQUESTS sets
// the number per database).
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? Math.ceil(20_000 / PROVIDERS.length));
// A fixed seed keeps CI reproducible; FUZZ_SEED explores others.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const OPERATIONS = contractOperations().length;

describe.skipIf(!FAULT_SUITES).each(PROVIDERS)('Spec-driven fuzzing on %s', (provider) => {
  let target: FuzzTarget;

  // The first call of each operation compiles its validators, which dominates the warm-up on a busy machine.
  beforeAll(async () => {
    target = await startFuzzTarget(provider, SEED);
  }, 600_000);
  afterAll(async () => {
    await target?.server.close();
  });

  it(`When ${REQUESTS} hostile requests are spread over every operation, then none answers 5xx, every 4xx is in its family's shape and no body leaks internals`, async () => {
    const report = await runCampaign({ baseUrl: target.server.url, seed: SEED, requests: REQUESTS, credentials: target.credentials, ids: target.ids, concurrency: 12 });
    console.log(summarize(`fuzz on ${provider}`, report, OPERATIONS));
    if (target.warmUp.failureCount) console.log(summarize(`warm-up on ${provider}`, target.warmUp, OPERATIONS));

    expect(target.warmUp.failures).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.sent).toBe(REQUESTS);
    expect(Object.keys(report.byOperation)).toHaveLength(OPERATIONS);
    // Requests get past authentication and validation into handlers, not only 400s and 401s.
    expect(report.reachedHandlers.size).toBeGreaterThan(OPERATIONS / 2);
    // Memory stays bounded: a generous margin over what the server and the harness start with.
    expect(report.rssMB.end).toBeLessThan(report.rssMB.start + 1024);
  }, 600_000);
});

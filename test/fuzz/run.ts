// npm run fuzz -- [--requests N] [--seed S] [--database URL] [--concurrency C]
// Runs a fuzz campaign against the real server started in this process. Without --database the server
// uses a temporary SQLite file; with a postgresql:// URL a scratch database is created on that server and
// dropped afterwards. Exits 1 when any answer fails the oracle, printing the seed and each failing request.
import { parseArgs } from 'node:util';
import { runCampaign, summarize } from './campaign.ts';
import { contractOperations } from './contract-model.ts';
import { startFuzzTarget } from './target.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    database: { type: 'string' },
    concurrency: { type: 'string', default: '12' },
  },
});

const requests = Number(values.requests);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isSafeInteger(requests) || requests < 1 || !Number.isSafeInteger(seed)) {
  console.error('--requests and --seed take whole numbers');
  process.exit(2);
}
const database = values.database;
if (database && !/^postgres(ql)?:\/\//.test(database)) {
  console.error('--database takes a postgresql:// URL of a server to create a scratch database on');
  process.exit(2);
}
if (database) process.env.TEST_DATABASE_URL = database;
process.env.LOG_LEVEL ??= 'silent';

const provider = database ? 'postgresql' : 'sqlite';
console.log(`fuzzing on ${provider} with seed ${seed}: ${requests} requests`);
const startedAt = performance.now();
const target = await startFuzzTarget(provider, seed);
console.log(`server started and warmed up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
try {
  const operations = contractOperations().length;
  const report = await runCampaign({
    baseUrl: target.server.url, seed, requests, credentials: target.credentials, ids: target.ids, concurrency: Number(values.concurrency),
    progressEvery: 10_000, onProgress: (done, r) => console.log(`  ${done} sent, ${r.failureCount} failures, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`),
  });
  if (target.warmUp.failureCount) console.log(summarize('warm-up', target.warmUp, operations));
  console.log(summarize(`fuzz on ${provider}`, report, operations));
  process.exitCode = report.failureCount + target.warmUp.failureCount ? 1 : 0;
} finally {
  await target.server.close();
}

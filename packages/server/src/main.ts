// `npm start`: serve the API until SIGTERM/SIGINT, then drain in-flight requests and close the database.
// A problem the user can fix (bad setting, database unreachable, port taken, ...) ends with one line on
// stderr and exit 1; anything else keeps its stack trace.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { ConfigError, StartupError } from './env.ts';
import { HandlerMismatchError } from './handlers.ts';
import { startServer } from './index.ts';
import { createLogger } from './logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const server = await startServer(config);
  const where = config.databaseUrl.startsWith('file:') ? `SQLite ${config.databaseUrl.slice(5)}` : 'PostgreSQL';
  log.info(`Pipeloom listening on http://${config.host}:${server.port} (${where}); API reference at ${server.url}/docs`);

  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error');
    else log.info(`${signal}: finishing in-flight requests, then closing`);
    await server.close();
  });
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof StartupError || e instanceof HandlerMismatchError) {
    process.stderr.write(`pipeloom: ${e.message}\n`);
  } else {
    process.stderr.write(`pipeloom: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exitCode = 1;
});

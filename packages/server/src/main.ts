// `npm start`: serve the API until SIGTERM/SIGINT, then drain in-flight requests and close the database.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { startServer } from './index.ts';
import { createLogger } from './logger.ts';

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

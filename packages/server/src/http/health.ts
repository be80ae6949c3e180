// Probes for orchestrators: /healthz says the process serves HTTP, /readyz that the database answers and
// carries every migration this build expects. Neither needs credentials or touches the contract.
import { Router } from 'express';
import type { Database } from '../db/client.ts';

export const HEALTH_PATHS = ['/healthz', '/readyz'] as const;

export function healthRouter(database: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const { ready, reason } = await database.readiness();
    if (ready) res.json({ status: 'ready' });
    else res.status(503).set('retry-after', '5').json({ status: 'not ready', reason });
  });
  return router;
}

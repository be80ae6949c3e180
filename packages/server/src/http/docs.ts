// The API description and a reference UI, served entirely from this server: many users (and these build
// machines) have no internet, so nothing may come from a CDN.
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from '../spec.ts';

export function docsRouter(spec: { document: OpenApiDocument; yaml: string }): Router {
  const router = Router();
  const json = JSON.stringify(spec.document);
  router.get('/openapi.yaml', (_req, res) => res.type('application/yaml').send(spec.yaml));
  router.get('/openapi.json', (_req, res) => res.type('application/json').send(json));
  router.use(
    '/docs',
    swaggerUi.serveFiles(undefined, { swaggerOptions: { url: '/openapi.json' } }),
    swaggerUi.setup(undefined, {
      customSiteTitle: 'Pipeloom API reference',
      swaggerOptions: { url: '/openapi.json', docExpansion: 'none', filter: true, tagsSorter: 'alpha', displayOperationId: true },
    }),
  );
  return router;
}

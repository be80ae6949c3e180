// The API description and a reference UI, served entirely from this server: many users (and these build
// machines) have no internet, so nothing may come from a CDN or an online validator.
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from '../spec.ts';

const UI_OPTIONS = {
  url: '/openapi.json',
  docExpansion: 'none',
  filter: true,
  tagsSorter: 'alpha',
  displayOperationId: true,
  // The UI would otherwise send the whole description to validator.swagger.io when opened from another host.
  validatorUrl: null,
};

export function docsRouter(spec: { document: OpenApiDocument; yaml: string }): Router {
  const router = Router();
  const json = JSON.stringify(spec.document);
  router.get('/', (_req, res) => res.redirect(302, '/docs/'));
  router.get('/openapi.yaml', (_req, res) => res.type('application/yaml').send(spec.yaml));
  router.get('/openapi.json', (_req, res) => res.type('application/json').send(json));
  // serveFiles writes swagger-ui-init.js, which is where the UI reads its options from; setup() only renders
  // the page, so both get the same options.
  router.use(
    '/docs',
    swaggerUi.serveFiles(undefined, { swaggerOptions: UI_OPTIONS }),
    swaggerUi.setup(undefined, { customSiteTitle: 'Pipeloom API reference', swaggerOptions: UI_OPTIONS }),
  );
  return router;
}

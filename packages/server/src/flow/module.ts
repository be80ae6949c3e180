// The Flow family as the server sees it: its paths under /api/v1 (only its own resources, not the whole of
// /api/v1), its `{status: "ERROR", msg}` error body and its composition root.
import { defineFamily } from '../family/module.ts';
import { createFlowHandlers, createFlowServices } from './composition.ts';

export const flowModule = defineFamily({
  name: 'flow',
  prefixes: ['/api/v1/flow', '/api/v1/jobs'],
  publicPaths: [],
  renderError: (e) => ({ status: 'ERROR', msg: e.message, code: e.code }),
  readConfig: (): Record<string, never> => ({}),
  createServices: createFlowServices,
  createHandlers: createFlowHandlers,
});

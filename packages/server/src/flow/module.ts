// The Flow family: declared by the contract, not implemented yet, so every operation answers 501 in
// Flow's error body. It owns only its own resources under /api/v1, not the whole of it.
import { defineFamily } from '../family/module.ts';

export const flowModule = defineFamily({
  name: 'flow',
  prefixes: ['/api/v1/flow', '/api/v1/jobs'],
  publicPaths: [],
  renderError: (e) => ({ status: 'ERROR', msg: e.message, code: e.code }),
  readConfig: () => ({}),
  createServices: () => ({}),
  createHandlers: () => ({}),
});

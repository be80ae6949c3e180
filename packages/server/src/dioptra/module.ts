// The Dioptra family: declared by the contract, not implemented yet, so every operation answers 501 in
// Dioptra's error body.
import { defineFamily } from '../family/module.ts';

export const dioptraModule = defineFamily({
  name: 'dioptra',
  prefixes: ['/api/experiment', '/api/job', '/api/queue', '/api/taskPlugin'],
  publicPaths: [],
  renderError: (e) => ({ message: e.message, code: e.code }),
  readConfig: () => ({}),
  createServices: () => ({}),
  createHandlers: () => ({}),
});

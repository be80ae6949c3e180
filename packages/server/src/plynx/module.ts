// The PLynx family: declared by the contract, not implemented yet, so every operation answers 501 in
// PLynx's error body.
import { defineFamily } from '../family/module.ts';

export const plynxModule = defineFamily({
  name: 'plynx',
  prefixes: ['/plynx/api/v0'],
  publicPaths: [],
  renderError: (e) => ({ status: 'failed', message: e.message, code: e.code }),
  readConfig: () => ({}),
  createServices: () => ({}),
  createHandlers: () => ({}),
});

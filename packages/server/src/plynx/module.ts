// The PLynx family as the server sees it: its path, its `{status: "failed", message}` error body, its
// settings and its composition root.
import { defineFamily } from '../family/module.ts';
import { createPlynxHandlers, createPlynxServices } from './composition.ts';
import { readPlynxConfig } from './config.ts';

export const plynxModule = defineFamily({
  name: 'plynx',
  prefixes: ['/plynx/api/v0'],
  publicPaths: [],
  renderError: (e) => ({ status: 'failed', message: e.message, code: e.code }),
  readConfig: readPlynxConfig,
  createServices: createPlynxServices,
  createHandlers: createPlynxHandlers,
});

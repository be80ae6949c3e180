// The PLynx family as the server sees it: its path, its `{status: "failed", message}` error body, its
// settings and its composition root.
import { defineFamily } from '../family/module.ts';
import { createPlynxHandlers, createPlynxServices } from './composition.ts';
import { readPlynxConfig } from './config.ts';

export const plynxModule = defineFamily({
  name: 'plynx',
  prefixes: ['/plynx/api/v0'],
  // As in PLynx, resources load by URL without credentials (image tags and previews in the browser).
  publicPaths: ['/plynx/api/v0/resource/{resource_id}'],
  signInPaths: ['/plynx/api/v0/token'],
  // A scheme of PLynx's own, so that browsers do not pop up their Basic sign-in dialog.
  challenge: 'PlynxBasic realm="Login Required"',
  renderError: (e) => ({ status: 'failed', message: e.message, code: e.code }),
  readConfig: readPlynxConfig,
  maxUploadBytes: (config) => config.uploadMaxBytes,
  createServices: createPlynxServices,
  createHandlers: createPlynxHandlers,
});

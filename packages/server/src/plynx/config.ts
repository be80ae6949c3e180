// PLynx's settings, read from the environment like every other setting.
import { readInteger } from '../env.ts';

export interface PlynxConfig {
  /** Largest file upload_file accepts, in bytes (PIPELOOM_PLYNX_UPLOAD_MAX_MB, 1024 MB by default). */
  uploadMaxBytes: number;
  /** Base URL of the PLynx web UI, used for the `url` of graph answers (PIPELOOM_PLYNX_WEB_URL). */
  webUrl: string;
  /** The engine queue approved graphs run on, served by `pipeloom worker --queue` (PIPELOOM_PLYNX_QUEUE, `plynx`). */
  queue: string;
}

export function readPlynxConfig(env: NodeJS.ProcessEnv): PlynxConfig {
  return {
    uploadMaxBytes: readInteger(env, 'PIPELOOM_PLYNX_UPLOAD_MAX_MB', 1024, { min: 1, unit: 'a whole number of megabytes' }) * 1024 * 1024,
    webUrl: (env.PIPELOOM_PLYNX_WEB_URL?.trim() || 'http://localhost:3001').replace(/\/+$/, ''),
    queue: env.PIPELOOM_PLYNX_QUEUE?.trim() || 'plynx',
  };
}

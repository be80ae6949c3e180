import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const conditions = ['pipeloom-source', ...defaultServerConditions];

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources (see the `pipeloom-source` export condition).
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    // The `pipeloom` bin runs the built SDK: build it once per run.
    globalSetup: ['test/global-setup.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'silent' },
  },
});

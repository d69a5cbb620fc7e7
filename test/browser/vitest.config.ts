import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** The browser suite (`npm run test:browser`): headless Chromium, kept out of the main `npm test` run. */
const config: ViteUserConfig = defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/browser/**/*.spec.ts'],
    // Timeouts catch hangs only (tests never fail on speed).
    testTimeout: 900_000,
    hookTimeout: 600_000,
  },
});

export default config;

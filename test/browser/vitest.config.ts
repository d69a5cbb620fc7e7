import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The browser suite (`npm run test:browser`): headless Chromium, kept out of the main `npm test` run. */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/browser/**/*.spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});

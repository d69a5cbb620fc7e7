import { defineConfig, type ViteUserConfig } from 'vitest/config';

const config: ViteUserConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Timeouts catch hangs only (tests never fail on speed): a loaded 2-core machine can be 5x slower.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});

export default config;

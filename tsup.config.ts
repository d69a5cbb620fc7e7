import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** The Node build: the core, imprint/sharp and the CLI, sharing chunks. */
const library: Options = {
  entry: {
    index: 'src/index.ts',
    'sharp/index': 'src/sharp/index.ts',
    'video/index': 'src/node/video.ts',
    'cli/main': 'src/cli/main.ts',
    // The worker thread of the pool (src/sharp/worker-pool.ts finds it beside the code that starts it).
    'sharp/worker': 'src/sharp/worker.ts',
    // The worker thread of ParallelIndex (src/node/parallel-index.ts finds it the same way).
    'node/parallel-index-worker': 'src/node/parallel-index-worker.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: {
    entry: {
      index: 'src/index.ts',
      'sharp/index': 'src/sharp/index.ts',
      'browser/index': 'src/browser/index.ts',
      'video/index': 'src/node/video.ts',
    },
  },
  sourcemap: true,
  clean: ['!browser/**'], // the browser build below writes there at the same time
  splitting: true,
  treeshake: true,
  external: ['sharp', 'blockhash-core'],
  define: { __IMPRINT_VERSION__: JSON.stringify(version) },
};

/** `imprint/browser`: one self-contained ESM file (dependencies bundled) a page or worker loads as is. */
const browser: Options = {
  entry: { 'browser/index': 'src/browser/index.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'browser',
  sourcemap: true,
  splitting: false,
  treeshake: true,
  noExternal: [/./],
};

export default defineConfig([library, browser]);

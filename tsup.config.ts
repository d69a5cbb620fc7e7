import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** The Node build: the core, imprint/sharp, imprint/node, imprint/video and the CLI, sharing chunks. */
const library: Options = {
  entry: {
    index: 'src/index.ts',
    'sharp/index': 'src/sharp/index.ts',
    'node/index': 'src/node/index.ts',
    'video/index': 'src/node/video.ts',
    // imprint/browser for bundlers: shares the core's chunks with imprint, so there is one
    // ImprintError class (instanceof works across entries) and one algorithm registry.
    'browser/index': 'src/browser/index.ts',
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
      'node/index': 'src/node/index.ts',
      'video/index': 'src/node/video.ts',
    },
  },
  sourcemap: true,
  clean: ['!browser/standalone*'], // the standalone browser build below writes there at the same time
  splitting: true,
  treeshake: true,
  external: ['sharp', 'blockhash-core'],
  define: { __IMPRINT_VERSION__: JSON.stringify(version) },
};

/**
 * `imprint/browser/standalone`: one self-contained ESM file (dependencies bundled) a page or worker
 * loads as is, without a bundler. It carries its own copy of the core.
 */
const browser: Options = {
  entry: { 'browser/standalone': 'src/browser/index.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'browser',
  sourcemap: true,
  splitting: false,
  treeshake: true,
  noExternal: [/./],
};

const config: Options[] = [library, browser];
export default config;

import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'sharp/index': 'src/sharp/index.ts',
    'video/index': 'src/node/video.ts',
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: {
    entry: { index: 'src/index.ts', 'sharp/index': 'src/sharp/index.ts', 'video/index': 'src/node/video.ts' },
  },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ['sharp', 'blockhash-core'],
  define: { __IMPRINT_VERSION__: JSON.stringify(version) },
});

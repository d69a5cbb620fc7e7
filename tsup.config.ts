import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'sharp/index': 'src/sharp/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', 'sharp/index': 'src/sharp/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ['sharp', 'blockhash-core'],
});

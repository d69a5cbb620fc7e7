#!/usr/bin/env node
// Assembles src/features/wasm/nearest.wat into src/features/wasm/nearest-bytes.ts.
// `--check` exits 1 when the committed module differs from a fresh build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmbeddedWasm } from './wasm-embed.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'features', 'wasm');
await buildEmbeddedWasm({
  watPath: join(dir, 'nearest.wat'),
  outPath: join(dir, 'nearest-bytes.ts'),
  constName: 'NEAREST_WASM_BASE64',
  doc: "The local features' nearest-descriptor kernel's WebAssembly module, base64-encoded.",
  script: 'scripts/build-features-wasm.mjs',
  command: 'npm run build:wasm:features',
  // Plain WebAssembly 1.0: no SIMD, no bulk memory. Listed explicitly so a wabt default change
  // cannot alter the bytes silently.
  features: {
    simd: false,
    bulk_memory: false,
    sat_float_to_int: false,
    multi_value: false,
    relaxed_simd: false,
    threads: false,
  },
});

#!/usr/bin/env node
// Assembles src/algorithms/pdq/wasm/pdq.wat into src/algorithms/pdq/wasm/pdq-bytes.ts.
// `--check` exits 1 when the committed module differs from a fresh build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmbeddedWasm } from './wasm-embed.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'algorithms', 'pdq', 'wasm');
await buildEmbeddedWasm({
  watPath: join(dir, 'pdq.wat'),
  outPath: join(dir, 'pdq-bytes.ts'),
  constName: 'PDQ_WASM_BASE64',
  doc: "The PDQ pixel kernel's WebAssembly module (SIMD), base64-encoded.",
  script: 'scripts/build-pdq-wasm.mjs',
  command: 'npm run build:wasm:pdq',
  // Only standardised features: fixed-width SIMD (not relaxed SIMD), bulk memory, saturating
  // float-to-int. Listed explicitly so a wabt default change cannot alter the bytes silently.
  features: {
    simd: true,
    bulk_memory: true,
    sat_float_to_int: true,
    multi_value: false,
    relaxed_simd: false,
    threads: false,
  },
});

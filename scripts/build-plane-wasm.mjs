#!/usr/bin/env node
// Assembles src/matching/methods/wasm/plane.wat into src/matching/methods/wasm/plane-bytes.ts.
// `--check` exits 1 when the committed module differs from a fresh build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmbeddedWasm } from './wasm-embed.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'matching', 'methods', 'wasm');
await buildEmbeddedWasm({
  watPath: join(dir, 'plane.wat'),
  outPath: join(dir, 'plane-bytes.ts'),
  constName: 'PLANE_WASM_BASE64',
  doc: "The luma-plane kernel's WebAssembly module, base64-encoded.",
  script: 'scripts/build-plane-wasm.mjs',
  command: 'node scripts/build-plane-wasm.mjs',
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

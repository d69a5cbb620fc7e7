#!/usr/bin/env node
// Assembles src/matching/wasm/kernel.wat into src/matching/wasm/kernel-bytes.ts.
// `--check` exits 1 when the committed module differs from a fresh build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEmbeddedWasm } from './wasm-embed.mjs';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'matching', 'wasm');
await buildEmbeddedWasm({
  watPath: join(dir, 'kernel.wat'),
  outPath: join(dir, 'kernel-bytes.ts'),
  constName: 'KERNEL_WASM_BASE64',
  doc: "The matching kernel's WebAssembly module, base64-encoded.",
  script: 'scripts/build-wasm.mjs',
  command: 'npm run build:wasm',
});

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('WebAssembly kernel', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('the committed bytes are a fresh build of kernel.wat', () => {
    const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/matches/);
  });

  it('falls back to the JS kernel where WebAssembly is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const { createKernel, wasmKernelAvailable } = await import('../../src/matching/kernel.js');
    expect(wasmKernelAvailable()).toBe(false);
    expect(createKernel('auto', 1024).name).toBe('js');
    expect(() => createKernel('wasm', 1024)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    const { MihIndex } = await import('../../src/matching/mih-index.js');
    const index = new MihIndex({ algorithm: 'phash', bits: 64, mergeThreshold: 0 });
    index.add({ algorithm: 'phash', bits: 64, bytes: new Uint8Array(8) });
    expect(index.stats().kernel).toBe('js');
    expect(
      index.query({ algorithm: 'phash', bits: 64, bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 7) }),
    ).toHaveLength(1);
  });

  it('uses WebAssembly here', async () => {
    const { wasmKernelAvailable } = await import('../../src/matching/kernel.js');
    expect(wasmKernelAvailable()).toBe(true);
  });
});

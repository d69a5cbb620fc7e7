import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { popcount32 } from '../../src/core/hash.js';
import { createKernel } from '../../src/matching/kernel.js';

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
    const { createKernel, matchWasmAvailable } = await import('../../src/matching/kernel.js');
    expect(matchWasmAvailable()).toBe(false);
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
    const { matchWasmAvailable } = await import('../../src/matching/kernel.js');
    expect(matchWasmAvailable()).toBe(true);
  });
});

describe('masked scan (both kernels)', () => {
  const scenario = fc
    .record({
      lanes: fc.constantFrom(1, 4, 5),
      count: fc.nat({ max: 60 }),
      max: fc.nat({ max: 200 }),
      maskMax: fc.nat({ max: 120 }),
      cap: fc.integer({ min: 1, max: 7 }),
      seed: fc.integer(),
    })
    .map((s) => {
      // xorshift words: the hashes, the query, the mask (1 bits denser than 0 bits or sparser)
      let x = s.seed | 1;
      const next = () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x >>> 0;
      };
      const words = s.lanes * 2;
      const hashes = Array.from({ length: s.count }, () => Uint32Array.from({ length: words }, next));
      const query = Uint32Array.from({ length: words }, next);
      const mask = Uint32Array.from({ length: words }, () => next() & next());
      return { ...s, words, hashes, query, mask };
    });

  it('keeps exactly the ids within both distances, page by page, in either kernel', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const stride = s.words * 4;
        const q = 64;
        const m = q + stride;
        const outIds = 1024;
        const outDist = outIds + 64;
        const packed = 2048;
        const expected: [number, number][] = [];
        s.hashes.forEach((h, id) => {
          let d = 0;
          let dm = 0;
          for (let w = 0; w < s.words; w++) {
            d += popcount32((h[w]! ^ s.query[w]!) >>> 0);
            dm += popcount32((h[w]! ^ s.query[w]!) & s.mask[w]!);
          }
          if (d <= s.max && dm <= s.maskMax) expected.push([id, d]);
        });
        for (const choice of ['wasm', 'js'] as const) {
          const kernel = createKernel(choice, packed + s.count * stride + 64);
          kernel.configure(packed, stride, 0, 0);
          const u = new Uint32Array(kernel.buffer);
          u.set(s.query, q / 4);
          u.set(s.mask, m / 4);
          for (const [id, h] of s.hashes.entries()) u.set(h, (packed + id * stride) / 4);
          const got: [number, number][] = [];
          let at = 0;
          do {
            at = kernel.scanMasked(q, m, at, s.count, s.max, s.maskMax, outIds, outDist, s.cap);
            const view = new Uint32Array(kernel.buffer);
            for (let i = 0; i < kernel.hits(); i++) got.push([view[outIds / 4 + i]!, view[outDist / 4 + i]!]);
          } while (at < s.count);
          expect(got, choice).toEqual(expected);
        }
      }),
    );
  });
});

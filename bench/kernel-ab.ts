/**
 * Before/after comparison of two versions of the matching kernel's text (kernel.wat) on one MIH
 * index: builds the `bench:match` list, copies the index's memory into one WebAssembly memory,
 * assembles both files (with wabt, here) and instantiates both on that same memory, then answers
 * the same 1,000 queries with each in alternating passes. Same data, same memory, same load: the
 * closest comparison of a kernel change this VM allows. Prints each side's median and mean µs per
 * query (median over the passes) and their hits, which must agree. Not part of `npm test`.
 *
 *   npx tsx bench/kernel-ab.ts <A.wat> <B.wat> [--n 1e7] [--passes 8]
 *
 * (The committed kernel as A: `git show HEAD:src/matching/wasm/kernel.wat > /tmp/A.wat`.)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import initWabt from 'wabt';
import { randomMatchData } from '../src/eval/match-bench.js';
import { radiiFor } from '../src/matching/layout.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { packHash, unpackHash } from '../src/matching/packed.js';
import { CAND_CAP, OUT_CAP, RANGE_CAP, scratchAt } from '../src/matching/scratch.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '1e7' }, passes: { type: 'string', default: '8' } },
});
if (positionals.length !== 2) throw new Error('usage: bench/kernel-ab.ts <A.wat> <B.wat> [--n] [--passes]');
const n = Number(values.n);
const passes = Number(values.passes);
const data = randomMatchData(n, 256, 1000, 31, 1, 4);
const queries = Array.from({ length: 1000 }, (_, i) => unpackHash('bench', 256, data.queries, i * 8));
const index = new MihIndex({ algorithm: 'bench', bits: 256, kernel: 'wasm', defaultMaxDistance: 31 });
index.addPacked(data.list);
const layout = index.stats().substrings;
const image = index.serialise();
const bytes = image.packed.buffer.byteLength;
const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: 65536 });
new Uint8Array(memory.buffer).set(new Uint8Array(image.packed.buffer, 0, bytes));
// the index's own addresses (packed-index.ts): scratch at 64, descriptors after it
const sc = scratchAt(64, 32);
const desc = Math.ceil(sc.end / 64) * 64;
const wabt = await initWabt();
type Mih = (...args: number[]) => number;
const kernels = positionals.map((file) => {
  const parsed = wabt.parseWat(file, readFileSync(file, 'utf8'), {});
  const binary = new Uint8Array(parsed.toBinary({}).buffer) as Uint8Array<ArrayBuffer>;
  parsed.destroy();
  const k = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports as {
    configure: (...args: number[]) => void;
    mih: Mih;
  };
  k.configure(image.packed.byteOffset, 32, desc, layout.length);
  return k;
});
const u32 = new Uint32Array(memory.buffer);
u32.set(radiiFor(layout.length, 31), sc.radii >>> 2);
const sides = kernels.map(() => ({ p50: [] as number[], mean: [] as number[], hits: [] as number[] }));
for (let p = 0; p < passes; p++) {
  kernels.forEach((k, s) => {
    const times: number[] = [];
    let hits = 0;
    for (const q of queries) {
      packHash(q, u32, sc.q >>> 2);
      const t = performance.now();
      hits += k.mih(
        sc.q,
        31,
        sc.radii,
        sc.cand,
        CAND_CAP,
        sc.ranges,
        RANGE_CAP,
        0x7fffffff,
        sc.outIds,
        sc.outDist,
        OUT_CAP,
      );
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    sides[s]!.p50.push(times[times.length >> 1]! * 1000);
    sides[s]!.mean.push((times.reduce((a, b) => a + b, 0) / times.length) * 1000);
    sides[s]!.hits.push(hits);
  });
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
sides.forEach((s, i) => {
  process.stdout.write(
    `${'AB'[i]} ${positionals[i]}: p50 ${med(s.p50).toFixed(1)} µs, mean ${med(s.mean).toFixed(1)} µs (median of ${passes} passes), hits ${[...new Set(s.hits)].join('/')}\n`,
  );
});
const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
const same = a.hits.every((h, i) => h === b.hits[i]);
process.stdout.write(
  `B/A time: p50 ${(med(b.p50) / med(a.p50)).toFixed(3)}, mean ${(med(b.mean) / med(a.mean)).toFixed(3)}${same ? '' : ' (HITS DIFFER)'}\n`,
);

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
import { kernelOn, mihInOneMemory, timedQuery } from './mih-memory.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '1e7' }, passes: { type: 'string', default: '8' } },
});
if (positionals.length !== 2) throw new Error('usage: bench/kernel-ab.ts <A.wat> <B.wat> [--n] [--passes]');
const n = Number(values.n);
const passes = Number(values.passes);
const shared = mihInOneMemory(n);
const kernels = await Promise.all(
  positionals.map((file) => kernelOn(shared, file, readFileSync(file, 'utf8'))),
);
const sides = kernels.map(() => ({ p50: [] as number[], mean: [] as number[], hits: [] as number[] }));
for (let p = 0; p < passes; p++) {
  kernels.forEach((k, s) => {
    const times: number[] = [];
    let hits = 0;
    for (const q of shared.queries) {
      const one = timedQuery(k, shared, q);
      hits += one.hits;
      times.push(one.ms);
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

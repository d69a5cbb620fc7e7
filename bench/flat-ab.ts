/**
 * Before/after comparison of two checkouts' flat scan batch path in one process: both build a
 * FlatIndex of the same random list (planted near-duplicates, as `bench:match`), then answer the
 * same batch (`queryBatch`, 8 queries a pass over the list) in alternating rounds, so both see
 * the same machine load. Prints each side's ms per pass (median of the rounds) and hits, which
 * must agree. Not part of `npm test`.
 *
 *   npx tsx bench/flat-ab.ts <checkout A> <checkout B> [--n 1e6] [--batch 2000] [--rounds 5]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: 'string', default: '1e6' },
    batch: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
  },
});
if (positionals.length !== 2)
  throw new Error('usage: bench/flat-ab.ts <checkout A> <checkout B> [--n] [--batch] [--rounds]');
const n = Number(values.n);
const batch = Number(values.batch);
const rounds = Number(values.rounds);
const trees = positionals.map((p) => resolve(p));
const { randomMatchData } = await import(`${trees[1]}/src/eval/match-bench.ts`);
const { unpackHash } = await import(`${trees[1]}/src/matching/packed.ts`);
const data = randomMatchData(n, 256, batch, 31, 5, 4);
const queries = Array.from({ length: batch }, (_, i) => unpackHash('bench', 256, data.queries, i * 8));
const passes = Math.ceil(batch / 8);
const sides = [];
for (const tree of trees) {
  const { FlatIndex } = await import(`${tree}/src/matching/flat-index.ts`);
  const index = new FlatIndex({ algorithm: 'bench', bits: 256, kernel: 'wasm', defaultMaxDistance: 31 });
  index.addPacked(data.list);
  sides.push({ index, ms: [] as number[], hits: [] as number[] });
}
for (let r = 0; r < rounds; r++) {
  for (const side of sides) {
    const t = performance.now();
    const found = side.index.queryBatch(queries, { maxDistance: 31 });
    side.ms.push((performance.now() - t) / passes);
    side.hits.push(found.length);
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
sides.forEach((s, i) => {
  process.stdout.write(
    `${'AB'[i]} ${trees[i]}: ${median(s.ms).toFixed(2)} ms per pass of 8 queries over ${n.toLocaleString('en-US')} hashes (median of ${rounds}), hits ${[...new Set(s.hits)].join('/')}\n`,
  );
});
const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
const same = a.hits.every((h, i) => h === b.hits[i]);
process.stdout.write(
  `B/A pass time: ${(median(b.ms) / median(a.ms)).toFixed(3)}${same ? '' : ' (HITS DIFFER)'}\n`,
);

/**
 * Before/after comparison of two checkouts' MihIndex in one process: both build the same random
 * list (with planted near-duplicates, as `bench:match`), then answer the same 1,000 queries in
 * alternating passes, so both see the same machine load. Prints each side's build CPU time and
 * queries per wall and CPU second (median of the passes). Not part of `npm test`.
 *
 *   npx tsx bench/match-ab.ts <checkout A> <checkout B> [--n 1e6] [--passes 8]
 *
 * (A checkout of the tree before a change: `git worktree add /tmp/before main` and `npm ci` there.)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '1e6' }, passes: { type: 'string', default: '8' } },
});
if (positionals.length !== 2)
  throw new Error('usage: bench/match-ab.ts <checkout A> <checkout B> [--n] [--passes]');
const n = Number(values.n);
const passes = Number(values.passes);
const trees = positionals.map((p) => resolve(p));
const { randomMatchData } = await import(`${trees[1]}/src/eval/match-bench.ts`);
const { unpackHash } = await import(`${trees[1]}/src/matching/packed.ts`);
const data = randomMatchData(n, 256, 1000, 31, 1, 4);
const queries = Array.from({ length: 1000 }, (_, i) => unpackHash('bench', 256, data.queries, i * 8));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

const sides = [];
for (const [i, tree] of trees.entries()) {
  const { MihIndex } = await import(`${tree}/src/matching/mih-index.ts`);
  const c0 = process.cpuUsage();
  const index = new MihIndex({ algorithm: 'bench', bits: 256, kernel: 'wasm', defaultMaxDistance: 31 });
  index.addPacked(data.list);
  const c = process.cpuUsage(c0);
  const stats = index.stats();
  process.stdout.write(
    `${'AB'[i]} ${tree}: build ${((c.user + c.system) / 1e6).toFixed(2)} s CPU, ` +
      `${(stats.memoryBytes / n).toFixed(1)} B/hash, substrings ${stats.substrings.map((s: { bits: number }) => s.bits).join(',')}\n`,
  );
  sides.push({ index, wall: [] as number[], cpu: [] as number[], hits: 0 });
}
for (let p = 0; p < passes; p++) {
  for (const side of sides) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let hits = 0;
    for (const q of queries) hits += side.index.queryBatch([q], { maxDistance: 31 }).length;
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    side.wall.push((queries.length / wall) * 1000);
    side.cpu.push((queries.length / (c.user + c.system)) * 1e6);
    side.hits = hits;
  }
}
sides.forEach((s, i) => {
  process.stdout.write(
    `${'AB'[i]}: ${median(s.wall).toFixed(0)} q/s wall, ${median(s.cpu).toFixed(0)} q/s CPU (median of ${passes} passes), ${s.hits} hits\n`,
  );
});
const [a, b] = sides as [(typeof sides)[0], (typeof sides)[0]];
process.stdout.write(
  `B/A: ${(median(b.wall) / median(a.wall)).toFixed(3)} wall, ${(median(b.cpu) / median(a.cpu)).toFixed(3)} CPU${a.hits === b.hits ? '' : ' (HITS DIFFER)'}\n`,
);

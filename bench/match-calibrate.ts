/**
 * Calibrates the cost constants of the MIH planner (src/matching/planner.ts) on this machine.
 * Not part of `npm test`.
 *
 *   npx tsx bench/match-calibrate.ts [--sizes 1e4,1e5,1e6,1e7] [--queries 500] [--rounds 5]
 *
 * Per size: random 256-bit hashes, queries at radius 31 (planted near-duplicates, every fourth a
 * miss). Times each query alone, in interleaved passes, and keeps its fastest (the machine is
 * shared and noisy): a flat scan, forced MIH under the planner's layout and under the reference's
 * 16 x 16-bit layout, and `auto`. Prints `auto` against the better forced strategy, what the
 * planner's model expects a scan and a MIH query to cost, and the costs measured: per scanned
 * hash, and (the fixed cost of a query, a scan of 64 hashes, taken off) per probe and per
 * candidate from the two layouts' expected probes and candidates (`estimateMih`).
 */
import { parseArgs } from 'node:util';
import type { Hash } from '../src/core/hash.js';
import { randomMatchData } from '../src/eval/match-bench.js';
import type { MihLayout } from '../src/matching/layout.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { unpackHash } from '../src/matching/packed.js';
import { estimateMih } from '../src/matching/planner.js';
import type { QueryOptions } from '../src/matching/types.js';

const RADIUS = 31;
const BITS = 256;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e5,1e6,1e7' },
    queries: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '5' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);

function build(n: number, list: Uint32Array, substrings: 'auto' | 'reference'): MihIndex {
  const index = new MihIndex({
    algorithm: 'bench',
    bits: BITS,
    kernel: 'wasm',
    defaultMaxDistance: RADIUS,
    substrings,
  });
  index.addPacked(list.subarray(0, n * 8));
  return index;
}

type Strategy = NonNullable<QueryOptions['strategy']>;

/**
 * µs per query for each run: every query timed alone, in `rounds` passes over all the queries
 * (runs interleaved, so a repeat finds no more in cache than the first time did), its fastest
 * time kept (a query descheduled on the shared machine is slower, never faster), then the mean.
 */
function timed(runs: [MihIndex, Strategy][], queries: Hash[], rounds: number): number[] {
  const best = runs.map(() => new Float64Array(queries.length).fill(Number.POSITIVE_INFINITY));
  for (let r = 0; r < rounds; r++) {
    runs.forEach(([index, strategy], k) => {
      queries.forEach((q, i) => {
        const t0 = performance.now();
        index.query(q, { maxDistance: RADIUS, strategy });
        best[k]![i] = Math.min(best[k]![i]!, performance.now() - t0);
      });
    });
  }
  return best.map((times) => (times.reduce((x, y) => x + y, 0) * 1000) / queries.length);
}

const fixed = (() => {
  const data = randomMatchData(64, BITS, 32, RADIUS, 7, 4);
  const index = build(64, data.list, 'auto');
  const queries = Array.from({ length: 32 }, (_, i) => unpackHash('bench', BITS, data.queries, i * 8));
  return timed([[index, 'scan']], queries, 50)[0]!;
})();
process.stdout.write(`fixed cost of a query (scan of 64 hashes): ${fixed.toFixed(2)} µs\n\n`);
process.stdout.write(
  '| hashes | scan µs | MIH µs | MIH 16x16 µs | auto µs | auto / best | model scan / MIH µs | flat ns/hash | probe ns | candidate ns | layout |\n',
);
process.stdout.write('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n');

for (const n of sizes) {
  const nq = Math.min(Number(values.queries), Math.floor(n / 2));
  const data = randomMatchData(n, BITS, nq, RADIUS, 1, 4);
  const queries = Array.from({ length: nq }, (_, i) => unpackHash('bench', BITS, data.queries, i * 8));
  const own = build(n, data.list, 'auto');
  const ref = build(n, data.list, 'reference');
  const layout = own.stats().substrings as MihLayout;
  const runs: [MihIndex, Strategy][] = [
    [own, 'scan'],
    [own, 'mih'],
    [ref, 'mih'],
    [own, 'auto'],
  ];
  const [scan, mih, refMih, auto] = timed(runs, queries, rounds) as [number, number, number, number];
  const best = { scan, mih: layout.length > 0 ? mih : Number.POSITIVE_INFINITY, ref: refMih, auto };
  const flat = ((best.scan - fixed) * 1000) / n;
  const a = estimateMih(layout, n, 32, RADIUS);
  const b = estimateMih(ref.stats().substrings as MihLayout, n, 32, RADIUS);
  // (T - fixed) = probe * P + candidate * C for both layouts: two equations, two unknowns.
  const ta = (best.mih - fixed) * 1000;
  const tb = (best.ref - fixed) * 1000;
  const det = a.probes * b.candidates - b.probes * a.candidates;
  const probe = layout.length > 0 ? (ta * b.candidates - tb * a.candidates) / det : Number.NaN;
  const candidate = layout.length > 0 ? (a.probes * tb - b.probes * ta) / det : Number.NaN;
  const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const shape = layout.length > 0 ? `${layout.length} x ${layout.map((s) => s.bits).join('/')}` : 'none';
  process.stdout.write(
    `| ${n.toExponential(0)} | ${f(best.scan)} | ${f(best.mih)} | ${f(best.ref)} | ${f(best.auto)} | ${f(best.auto / Math.min(best.scan, best.mih), 2)} | ${f(fixed + a.flatCost / 1000)} / ${layout.length > 0 ? f(fixed + a.cost / 1000) : '-'} | ${f(flat, 2)} | ${f(probe)} | ${f(candidate)} | ${shape.slice(0, 40)} |\n`,
  );
}
process.stdout.write(
  '\nmodel: what the planner (src/matching/planner.ts) expects a scan and a MIH query to cost, plus\n' +
    'the fixed cost; flat ns/hash, probe ns and candidate ns: the costs measured at that size (ns).\n',
);

/**
 * Where a MIH query's time goes: builds a MihIndex of random PDQ-sized hashes (as `bench:match`),
 * copies its memory into a second instance of the matching kernel assembled from kernel.wat with
 * phase switches added (here, at run time; the shipped kernel has none), and answers the same
 * queries with every phase, without checking candidates (no hash reads), and without gathering
 * ids (bucket bounds only), in alternating passes. The differences are the cost of reading the
 * candidates' hashes and of reading the postings. Also prints the counts behind them (probes,
 * non-empty buckets, candidates) and the time of independent random reads over the same memory,
 * the floor of a read whose address is known in advance. Not part of `npm test`.
 *
 *   npx tsx bench/mih-phases.ts [--n 1e7] [--passes 5]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { makeRandomUint32 } from '../src/eval/random.js';
import { substringValue } from '../src/matching/layout.js';
import { offsetReader } from '../src/matching/mih-tables.js';
import { packHash } from '../src/matching/packed.js';
import { kernelOn, mihInOneMemory, timedQuery } from './mih-memory.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1e7' }, passes: { type: 'string', default: '5' } },
});
const n = Number(values.n);
const passes = Number(values.passes);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** kernel.wat with a `phase` global: 1 stops after the bucket bounds, 2 after gathering ids. */
function phasedKernel(): string {
  let wat = readFileSync(new URL('../src/matching/wasm/kernel.wat', import.meta.url), 'utf8');
  const edit = (anchor: string, insert: string, before = false) => {
    const at = wat.indexOf(anchor);
    if (at < 0 || wat.indexOf(anchor, at + 1) >= 0) throw new Error(`kernel.wat changed: ${anchor}`);
    wat = before
      ? wat.slice(0, at) + insert + wat.slice(at)
      : wat.slice(0, at + anchor.length) + insert + wat.slice(at + anchor.length);
  };
  edit(
    '  (global $n (mut i32) (i32.const 0))\n',
    '  (global $phase (mut i32) (i32.const 0))\n  (func (export "phase") (param i32) (global.set $phase (local.get 0)))\n',
  );
  edit(
    '    (local.set $r (global.get $ranges))\n    (local.set $end (i32.add (global.get $ranges) (i32.shl (local.get $np) (i32.const 3))))\n',
    '    (if (i32.eq (global.get $phase) (i32.const 1)) (then (return (i32.const 0))))\n',
    true,
  );
  edit(
    '    (local.set $q (global.get $q))\n    (local.set $max (global.get $max))\n    (local.set $i (global.get $cand))\n',
    '    (if (i32.eq (global.get $phase) (i32.const 2)) (then (global.set $nc (i32.const 0)) (return (i32.const 0))))\n',
    true,
  );
  return wat;
}

const shared = mihInOneMemory(n);
const { index, queries, layout, image, memory, sc, desc, u32, radii } = shared;
const k = await kernelOn(shared, 'kernel.wat', phasedKernel());
const setPhase = k.phase!;

// What a query reads: probes, non-empty buckets among them, candidates (counted in JS).
let probes = 0;
let nonEmpty = 0;
let candidates = 0;
const tables = layout.map((s, i) => {
  const d = (desc >>> 2) + 4 * i;
  return offsetReader(memory.buffer, u32[d + 2]!, s.bits, u32[d + 1]! >>> 8);
});
for (const q of queries.slice(0, 100)) {
  packHash(q, u32, sc.q >>> 2);
  layout.forEach((s, i) => {
    const qv = substringValue(u32, sc.q >>> 2, s.start, s.bits);
    const visit = (v: number) => {
      probes++;
      const c = tables[i]!(v + 1) - tables[i]!(v);
      if (c > 0) nonEmpty++;
      candidates += c;
    };
    const walk = (from: number, left: number, v: number) => {
      visit(v);
      if (left > 0) for (let b = from; b < s.bits; b++) walk(b + 1, left - 1, (v ^ (1 << b)) >>> 0);
    };
    if (radii[i]! >= 0) walk(0, radii[i]!, qv);
  });
}
out(
  `${n.toLocaleString('en-US')} random 256-bit hashes, radius 31, substrings ${layout.map((s) => s.bits).join(',')}: ` +
    `per query ${(probes / 100).toFixed(0)} probes, ${(nonEmpty / 100).toFixed(0)} non-empty buckets, ${(candidates / 100).toFixed(0)} candidates`,
);

const names = ['every phase', 'no hash reads', 'bucket bounds only'];
const times: number[][] = [[], [], []];
let hits = 0;
for (let p = 0; p < passes; p++) {
  for (const phase of [0, 2, 1]) {
    setPhase(phase);
    const perQuery: number[] = [];
    let h = 0;
    for (const q of queries) {
      const one = timedQuery(k, shared, q);
      h += one.hits;
      perQuery.push(one.ms);
    }
    perQuery.sort((a, b) => a - b);
    times[phase]!.push(perQuery[perQuery.length >> 1]! * 1000);
    if (phase === 0) hits = h;
  }
}
let expected = 0;
for (const q of queries) expected += index.query(q, { maxDistance: 31, strategy: 'mih' }).length;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const [all, noCheck, bounds] = [med(times[0]!), med(times[2]!), med(times[1]!)];
out(
  `median µs per query (median of ${passes} alternating passes of 1,000 queries; ${hits} hits, the index's own: ${expected}):`,
);
out(`  ${names[0]!.padEnd(20)} ${all.toFixed(0)}`);
out(
  `  ${names[1]!.padEnd(20)} ${noCheck.toFixed(0)}  -> reading the candidates' hashes ${(all - noCheck).toFixed(0)} µs`,
);
out(
  `  ${names[2]!.padEnd(20)} ${bounds.toFixed(0)}  -> gathering the ids ${(noCheck - bounds).toFixed(0)} µs`,
);

// The floor: independent 4-byte reads at random addresses over the hashes (no dependence, no branch).
const rand = makeRandomUint32(3);
const words = image.packed.length >>> 2;
const base = image.packed.byteOffset >>> 2;
const at = new Uint32Array(1 << 16);
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < 5; r++) {
  for (let i = 0; i < at.length; i++) at[i] = base + (rand() % words);
  const t = performance.now();
  let s = 0;
  for (let i = 0; i < at.length; i++) s += u32[at[i]!]!;
  best = Math.min(best, ((performance.now() - t) / at.length) * 1e6);
  if (s === -1) out('');
}
const lines = (probes + nonEmpty + candidates) / 100;
out(
  `independent random reads over the ${(image.packed.length / 2 ** 20).toFixed(0)} MiB of hashes: ${best.toFixed(1)} ns each; ` +
    `${lines.toFixed(0)} reads a query at that rate: ${((lines * best) / 1000).toFixed(0)} µs (${Math.round(1e9 / (lines * best)).toLocaleString('en-US')} queries/s)`,
);

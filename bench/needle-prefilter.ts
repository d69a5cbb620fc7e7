/**
 * The compute floor of the flat scan's 8-needle pass: the prefilter alone (each stored 256-bit
 * hash against the first 128 bits of 8 needles, one branch per hash), written two ways over the
 * same random hashes in one run: scalar i64.popcnt, as the matching kernel does it, and
 * WebAssembly SIMD (one v128 XOR per needle, i8x16.popcnt, the 8 byte-sums reduced by shuffles).
 * Both count the hashes that pass and must agree. Beside them, the memory floor (the same bytes
 * read once, bench/memory-floor.ts). Assembled with wabt when it runs; nothing here is shipped.
 *
 *   npx tsx bench/needle-prefilter.ts [--n 1e6] [--rounds 10]
 */
import { parseArgs } from 'node:util';
import initWabt from 'wabt';
import { makeRandomUint32 } from '../src/eval/random.js';
import { memoryFloor } from './memory-floor.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1e6' }, rounds: { type: 'string', default: '10' } },
});
const n = Number(values.n);
const rounds = Number(values.rounds);

const NEEDLES = 8;
const ids = Array.from({ length: NEEDLES }, (_, j) => j);
const scalarTerm = (j: number) =>
  `(i64.le_u (i64.add (i64.popcnt (i64.xor (local.get $h0) (local.get $n${j}0))) (i64.popcnt (i64.xor (local.get $h1) (local.get $n${j}1)))) (local.get $max64))`;
const anyScalar = ids.slice(1).reduce((e, j) => `(i32.or ${e} ${scalarTerm(j)})`, scalarTerm(0));
const popcnt = (j: number) => `(i8x16.popcnt (v128.xor (local.get $h) (local.get $v${j})))`;
// even bytes of (a, b) plus their odd bytes: halves the bytes each needle's count is spread over
const pairSums = (a: string, b: string) =>
  `(i8x16.add (i8x16.shuffle 0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 ${a} ${b}) (i8x16.shuffle 1 3 5 7 9 11 13 15 17 19 21 23 25 27 29 31 ${a} ${b}))`;
const l1 = [0, 2, 4, 6].map((j) => pairSums(popcnt(j), popcnt(j + 1)));
const l2 = [pairSums(l1[0]!, l1[1]!), pairSums(l1[2]!, l1[3]!)];
const l3 = pairSums(l2[0]!, l2[1]!);
const sums = pairSums(l3, l3); // bytes 0..7: one needle's distance on the first 128 bits each

const WAT = `(module (import "env" "memory" (memory 1))
  (func (export "scalar") (param $qs i32) (param $p i32) (param $end i32) (param $max i32) (result i32)
    (local $h0 i64) (local $h1 i64) (local $max64 i64) (local $c i32)
    ${ids.map((j) => `(local $n${j}0 i64) (local $n${j}1 i64)`).join(' ')}
    (local.set $max64 (i64.extend_i32_u (local.get $max)))
    ${ids.map((j) => `(local.set $n${j}0 (i64.load offset=${32 * j} (local.get $qs))) (local.set $n${j}1 (i64.load offset=${32 * j + 8} (local.get $qs)))`).join('\n    ')}
    (loop $each
      (local.set $h0 (i64.load (local.get $p)))
      (local.set $h1 (i64.load offset=8 (local.get $p)))
      (if ${anyScalar} (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (br_if $each (i32.lt_u (local.get $p) (local.get $end))))
    (local.get $c))
  (func (export "simd") (param $qs i32) (param $p i32) (param $end i32) (param $max i32) (result i32)
    (local $h v128) (local $bound v128) (local $c i32)
    ${ids.map((j) => `(local $v${j} v128)`).join(' ')}
    (local.set $bound (i8x16.splat (i32.add (local.get $max) (i32.const 1))))
    ${ids.map((j) => `(local.set $v${j} (v128.load offset=${32 * j} (local.get $qs)))`).join('\n    ')}
    (loop $each
      (local.set $h (v128.load (local.get $p)))
      (if (i32.and (i8x16.bitmask (i8x16.lt_u ${sums} (local.get $bound))) (i32.const 255))
        (then (local.set $c (i32.add (local.get $c) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (br_if $each (i32.lt_u (local.get $p) (local.get $end))))
    (local.get $c)))`;

const wabt = await initWabt();
const parsed = wabt.parseWat('prefilter.wat', WAT, { simd: true });
const binary = new Uint8Array(parsed.toBinary({}).buffer);
parsed.destroy();
const start = NEEDLES * 32;
const end = start + n * 32;
const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), {
  env: { memory },
});
type Pass = (qs: number, p: number, end: number, max: number) => number;
const { scalar, simd } = instance.exports as { scalar: Pass; simd: Pass };
const u32 = new Uint32Array(memory.buffer);
const rand = makeRandomUint32(7);
for (let i = 0; i < end / 4; i++) u32[i] = rand();
// near copies of the needles, so some hashes pass
for (let k = 0; k < 1000; k++) {
  const at = start / 4 + (rand() % n) * 8;
  for (let w = 0; w < 8; w++) u32[at + w] = u32[(k % NEEDLES) * 8 + w]! ^ (k & w);
}
for (const max of [31, 64]) {
  const a = scalar(0, start, end, max);
  const b = simd(0, start, end, max);
  if (a !== b) throw new Error(`scalar and SIMD disagree at radius ${max}: ${a} vs ${b}`);
}
const bestMs = (f: Pass) => {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f(0, start, end, 31);
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
const times = { scalar: [] as number[], simd: [] as number[] };
for (let r = 0; r < 3; r++) {
  times.scalar.push(bestMs(scalar));
  times.simd.push(bestMs(simd));
}
const floor = (await memoryFloor(new Uint8Array(memory.buffer, start, n * 32))).oneThread(rounds);
const s = Math.min(...times.scalar);
const v = Math.min(...times.simd);
process.stdout.write(
  `8-needle prefilter over ${n.toLocaleString('en-US')} random 256-bit hashes, 1 thread (best of ${rounds} x 3, interleaved):\n` +
    `  scalar i64.popcnt   ${s.toFixed(2)} ms (${(s / floor).toFixed(2)}x the memory floor)\n` +
    `  SIMD i8x16.popcnt   ${v.toFixed(2)} ms (${(v / s).toFixed(2)}x scalar)\n` +
    `  memory floor        ${floor.toFixed(2)} ms (the same bytes read once)\n`,
);

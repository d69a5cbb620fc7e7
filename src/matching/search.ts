import { type Hash, popcount32 } from '../core/hash.js';
import type { Kernel } from './kernel.js';
import { type MihLayout, radiiFor, substringValue, withinFlips } from './layout.js';
import { tableBytes as bytesOfTable, COMPACT } from './mih-tables.js';
import { packHash } from './packed.js';
import { candidateBudget, estimateMih, mihCost } from './planner.js';
import { CAND_CAP, MAX_NEEDLES, OUT_CAP, PROBE_CAP, RANGE_CAP, type Scratch } from './scratch.js';
import type { QueryOptions } from './types.js';

/**
 * What a search reads of an index: its memory and where things are in it. The index builds one
 * per call (it changes as hashes are added); any thread with a kernel on the same memory and its
 * own {@link Scratch} can search with it.
 */
export interface SearchSpace {
  readonly kernel: Kernel;
  /** A current view of the kernel's memory. */
  readonly u32: Uint32Array;
  readonly algorithm: string;
  readonly bits: number;
  /** Bytes per stored hash (a multiple of 8). */
  readonly stride: number;
  /** u32 words the hash itself fills. */
  readonly hashWords: number;
  /** Byte address of hash 0. */
  readonly packed: number;
  /** Ids handed out. */
  readonly count: number;
  /** Ids below this are in the multi-index tables (or removed); the rest are scanned. */
  readonly main: number;
  readonly layout: MihLayout;
  /** 1 for live ids. */
  readonly alive: Uint8Array;
}

/** Receives each hit of a search: a live id and its distance. */
export type Hit = (id: number, distance: number) => void;

/** The most a search may be told to look for (clamped by the hash length). */
export type Strategy = QueryOptions['strategy'];

const UNLIMITED = 0x7fffffff;

/** Writes `hash` (zero-padded to the stride) at byte `at` of the space's memory. */
export function packInto(sp: SearchSpace, at: number, hash: Hash): void {
  const u = sp.u32;
  const w = at >>> 2;
  packHash(hash, u, w);
  for (let i = sp.hashWords; i < sp.stride >>> 2; i++) u[w + i] = 0;
}

/** Writes a mask's bits at the scratch mask, packed as a hash is. */
export function packMask(sp: SearchSpace, sc: Scratch, bits: Uint8Array): void {
  packInto(sp, sc.m, { algorithm: sp.algorithm, bits: sp.bits, bytes: bits });
}

/** Differing bits under the scratch mask between entry `id` and the scratch query. */
function maskedDistance(sp: SearchSpace, sc: Scratch, id: number): number {
  const u = sp.u32;
  const p = (sp.packed >>> 2) + id * (sp.stride >>> 2);
  const qw = sc.q >>> 2;
  const mw = sc.m >>> 2;
  let d = 0;
  for (let w = 0; w < sp.hashWords; w++) d += popcount32((u[p + w]! ^ u[qw + w]!) & u[mw + w]!);
  return d;
}

/** Calls `hit` for the live ids among the first `n` kernel hits. */
function emit(sp: SearchSpace, sc: Scratch, n: number, hit: Hit): void {
  const u = sp.u32;
  const ids = sc.outIds >>> 2;
  const dists = sc.outDist >>> 2;
  for (let i = 0; i < n; i++) {
    const id = u[ids + i]!;
    if (sp.alive[id] === 1) hit(id, u[dists + i]!);
  }
}

/** How a MIH query is run: its substrings' search radii and its candidate budget. */
interface MihPlan {
  readonly radii: Int32Array;
  readonly budget: number;
}

/**
 * Plans already made, per layout (a new layout is a new object), by tabled ids, stride, radius
 * and strategy: the estimate costs microseconds, as much as a small index's whole query.
 */
const PLANS = new WeakMap<MihLayout, Map<string, MihPlan | null>>();

/** The search radii and candidate budget of a MIH query, or undefined when a scan is cheaper. */
export function planMih(sp: SearchSpace, max: number, strategy: Strategy): MihPlan | undefined {
  if (sp.layout.length === 0 || sp.main === 0 || strategy === 'scan') return undefined;
  let plans = PLANS.get(sp.layout);
  if (!plans) {
    plans = new Map();
    PLANS.set(sp.layout, plans);
  }
  const key = `${sp.main},${sp.stride},${max},${strategy === 'mih'}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = makePlan(sp, max, strategy);
    if (plans.size >= 256) plans.clear(); // many sizes of one layout: keep the memory bounded
    plans.set(key, plan);
  }
  return plan ?? undefined;
}

function makePlan(sp: SearchSpace, max: number, strategy: Strategy): MihPlan | null {
  const radii = radiiFor(sp.layout.length, max);
  if (strategy === 'mih') return { radii, budget: UNLIMITED };
  const estimate = estimateMih(sp.layout, sp.main, sp.stride, max);
  if (estimate.cost >= estimate.flatCost) return null;
  return { radii, budget: candidateBudget(estimate) };
}

/**
 * Calls `hit` for every live id within `max` of the query at the scratch query and, with a mask
 * (`maskMax` set, the mask at the scratch mask), within `maskMax` of it on the mask's bits.
 */
export function search(
  sp: SearchSpace,
  sc: Scratch,
  max: number,
  strategy: Strategy,
  hit: Hit,
  maskMax?: number,
): void {
  if (searchTables(sp, sc, max, strategy, hit, maskMax))
    scanRange(sp, sc, sp.main, sp.count, max, hit, maskMax);
  else scanRange(sp, sc, 0, sp.count, max, hit, maskMax);
}

/**
 * The tabled part of {@link search}: calls `hit` for the matches among the ids in the tables and
 * returns true (the caller scans the ids added since), or calls nothing and returns false when a
 * scan of every id is the better way (or the only one: too many hits, too many candidates).
 */
export function searchTables(
  sp: SearchSpace,
  sc: Scratch,
  max: number,
  strategy: Strategy,
  hit: Hit,
  maskMax?: number,
): boolean {
  // With a mask: `mih` forces the masked tables walk when its probes fit; `auto` takes it when
  // the plain one prunes nothing and it beats a scan.
  const plan = planMih(sp, max, strategy);
  const tryMasked = maskMax !== undefined && (strategy === 'mih' || !plan);
  if (tryMasked && maskedMih(sp, sc, max, maskMax, strategy, hit)) return true;
  if (!plan) return false;
  sp.u32.set(plan.radii, sc.radii >>> 2);
  const n = sp.kernel.mih(
    sc.q,
    max,
    sc.radii,
    sc.cand,
    CAND_CAP,
    sc.ranges,
    RANGE_CAP,
    plan.budget,
    sc.outIds,
    sc.outDist,
    OUT_CAP,
  );
  // -1: more hits than the output buffer holds (a scan pages through them); -2: a clustered list
  // put more candidates under the query than a scan costs.
  if (n < 0) return false;
  const within: Hit =
    maskMax === undefined
      ? hit
      : (id, d) => {
          if (maskedDistance(sp, sc, id) <= maskMax) hit(id, d);
        };
  emit(sp, sc, n, within);
  return true;
}

/** Calls `visit` with every subset of the set bits of `bits` that has at most `r` bits. */
function forEachFlip(bits: number, r: number, visit: (flip: number) => void): void {
  const positions: number[] = [];
  for (let b = 0; b < 32; b++) if ((bits >>> b) & 1) positions.push((1 << b) >>> 0);
  const walk = (from: number, left: number, flip: number): void => {
    visit(flip);
    if (left === 0) return;
    for (let i = from; i < positions.length; i++) walk(i + 1, left - 1, (flip | positions[i]!) >>> 0);
  };
  if (r >= 0) walk(0, r, 0);
}

/**
 * Multi-index hashing for a masked query, when it beats a flat scan: an entry within `maskMax`
 * of the query on the mask's bits is within the refined pigeonhole radius of it on the masked
 * bits of some substring, whatever its other bits. So each substring is probed at every value of
 * its unmasked bits and up to that many flips of its masked ones. Calls `hit` for the tabled ids
 * found and returns true; false (nothing called) when a scan is the better way.
 */
function maskedMih(
  sp: SearchSpace,
  sc: Scratch,
  max: number,
  maskMax: number,
  strategy: Strategy,
  hit: Hit,
): boolean {
  if (sp.layout.length === 0 || sp.main === 0 || strategy === 'scan') return false;
  const u = sp.u32;
  const radii = radiiFor(sp.layout.length, maskMax);
  const sure: number[] = [];
  let probes = 0;
  let candidates = 0;
  let tableBytes = 0;
  sp.layout.forEach((s, k) => {
    const bitsSure = substringValue(u, sc.m >>> 2, s.start, s.bits);
    sure.push(bitsSure);
    const known = popcount32(bitsSure);
    const p = 2 ** (s.bits - known) * withinFlips(known, radii[k]!);
    probes += p;
    candidates += (p * sp.main) / 2 ** s.bits;
    tableBytes += bytesOfTable(s.bits, COMPACT) + 4 * sp.main;
  });
  if (probes > PROBE_CAP) return false;
  if (strategy !== 'mih') {
    const { cost, flatCost } = mihCost(probes, candidates, sp.main, sp.stride, tableBytes);
    if (cost >= flatCost) return false;
  }
  let at = sc.probes >>> 2;
  sp.layout.forEach((s, k) => {
    const start = at;
    const qv = substringValue(u, sc.q >>> 2, s.start, s.bits);
    const all = s.bits === 32 ? 0xffffffff : 2 ** s.bits - 1;
    const loose = (~sure[k]! & all) >>> 0;
    forEachFlip(sure[k]!, radii[k]!, (flip) => {
      // every subset of the unmasked bits (the standard walk, ending at the empty set)
      for (let free = loose; ; free = ((free - 1) & loose) >>> 0) {
        u[at++] = (qv ^ flip ^ free) >>> 0;
        if (free === 0) break;
      }
    });
    u[(sc.counts >>> 2) + k] = at - start;
  });
  u.set(radii, sc.radii >>> 2);
  const n = sp.kernel.mihMasked(
    sc.q,
    sc.m,
    max,
    maskMax,
    sc.radii,
    sc.probes,
    sc.counts,
    sc.outIds,
    sc.outDist,
    OUT_CAP,
  );
  if (n < 0) return false; // more hits than the output buffer holds: a scan pages through them
  emit(sp, sc, n, hit);
  return true;
}

/** Flat scan of ids [start, end) for the scratch query (and mask, with `maskMax`). */
export function scanRange(
  sp: SearchSpace,
  sc: Scratch,
  start: number,
  end: number,
  max: number,
  hit: Hit,
  maskMax?: number,
): void {
  // The kernel's masked scan pays off when the radius lets most entries through (a hash with few
  // stable bits); below half the bits, few pass the plain scan and are checked here.
  const inKernel = maskMax !== undefined && 2 * max >= sp.bits;
  const within: Hit =
    maskMax === undefined || inKernel
      ? hit
      : (id, d) => {
          if (maskedDistance(sp, sc, id) <= maskMax) hit(id, d);
        };
  let at = start;
  while (at < end) {
    at = inKernel
      ? sp.kernel.scanMasked(sc.q, sc.m, at, end, max, maskMax, sc.outIds, sc.outDist, OUT_CAP)
      : sp.kernel.scan(sc.q, at, end, max, sc.outIds, sc.outDist, OUT_CAP);
    emit(sp, sc, sp.kernel.hits(), within);
  }
}

/**
 * Flat scan of ids [start, end) for the `nq` queries at the scratch needles at once, each stored
 * hash read once (with a mask, the hits are checked against it here). Calls `hit(query, id, d)`.
 */
export function scanNeedles(
  sp: SearchSpace,
  sc: Scratch,
  nq: number,
  start: number,
  end: number,
  max: number,
  hit: (query: number, id: number, distance: number) => void,
  maskMax?: number,
): void {
  const u = sp.u32;
  const ids = sc.outIds >>> 2;
  const dists = sc.outDist >>> 2;
  const words = sp.stride >>> 2;
  const mw = sc.m >>> 2;
  let at = start;
  while (at < end) {
    at = sp.kernel.scanMany(sc.needles, nq, at, end, max, sc.outIds, sc.outDist, OUT_CAP);
    const n = sp.kernel.hits();
    for (let i = 0; i < n; i++) {
      const id = u[ids + i]!;
      if (sp.alive[id] !== 1) continue;
      const packedD = u[dists + i]!;
      const query = packedD >>> 16;
      if (maskMax !== undefined) {
        const p = (sp.packed >>> 2) + id * words;
        const qw = (sc.needles >>> 2) + query * words;
        let dm = 0;
        for (let w = 0; w < sp.hashWords; w++) dm += popcount32((u[p + w]! ^ u[qw + w]!) & u[mw + w]!);
        if (dm > maskMax) continue;
      }
      hit(query, id, packedD & 0xffff);
    }
  }
}

/** Byte address of needle `j` in the scratch area. */
export function needleAt(sp: SearchSpace, sc: Scratch, j: number): number {
  if (j >= MAX_NEEDLES) throw new RangeError(`at most ${MAX_NEEDLES} needles`);
  return sc.needles + j * sp.stride;
}

/** The k nearest to the scratch query by a flat scan whose radius shrinks as good entries are found. */
export function nearestScan(sp: SearchSpace, sc: Scratch, k: number, limit: number): number[] {
  let max = limit;
  let best: number[] = [];
  const cap = Math.min(OUT_CAP, Math.max(256, 4 * k));
  let at = 0;
  while (at < sp.count && max >= 0) {
    at = sp.kernel.scan(sc.q, at, sp.count, max, sc.outIds, sc.outDist, cap);
    const before = best.length;
    emit(sp, sc, sp.kernel.hits(), (id, d) => best.push(d * 2 ** 32 + id));
    if (best.length >= k && best.length > before) {
      best.sort((a, b) => a - b);
      best = best.slice(0, k);
      // Later ids at the k-th distance rank after every kept one: only closer ones can enter.
      max = Math.floor(best[k - 1]! / 2 ** 32) - 1;
    }
  }
  return best.sort((a, b) => a - b).slice(0, k);
}

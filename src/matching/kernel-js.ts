import { popcount32 } from '../core/hash.js';
import type { Kernel } from './kernel.js';
import { substringValue } from './layout.js';
import { offsetReader, postingsReader } from './mih-tables.js';

/**
 * The matching kernel in plain JavaScript, for hosts without WebAssembly. Same memory layout and
 * same results as `wasm/kernel.wat` (see there for the layout); tests run both on the same data.
 * Memory is a plain ArrayBuffer that is replaced (copied) when it grows.
 */
export class JsKernel implements Kernel {
  readonly name = 'js' as const;
  #buffer: ArrayBuffer;
  #u32: Uint32Array;
  #packed = 0; // all addresses below are in u32 words, not bytes
  #words = 2; // u32 words per hash (stride / 4, always even)
  #desc = 0;
  #subs = 0;
  #hits = 0;

  constructor(bytes: number) {
    this.#buffer = new ArrayBuffer(roundUp(bytes, 8));
    this.#u32 = new Uint32Array(this.#buffer);
  }

  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  reserve(bytes: number): void {
    if (bytes <= this.#buffer.byteLength) return;
    const next = new ArrayBuffer(roundUp(bytes, 8));
    new Uint8Array(next).set(new Uint8Array(this.#buffer));
    this.#buffer = next;
    this.#u32 = new Uint32Array(next);
  }

  configure(packed: number, stride: number, desc: number, subs: number): void {
    this.#packed = packed >>> 2;
    this.#words = stride >>> 2;
    this.#desc = desc >>> 2;
    this.#subs = subs;
  }

  scanMasked(
    q: number,
    mask: number,
    start: number,
    end: number,
    max: number,
    maskMax: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number {
    const m = this.#u32;
    const qw = q >>> 2;
    const mw = mask >>> 2;
    const oi = outIds >>> 2;
    const od = outDist >>> 2;
    const words = this.#words;
    let n = 0;
    let id = start;
    this.#hits = 0;
    if (id >= end) return end;
    if (cap === 0) return start;
    for (; id < end; id++) {
      const p = this.#packed + id * words;
      let d = 0;
      let dm = 0;
      for (let w = 0; w < words && d <= max && dm <= maskMax; w++) {
        const x = m[p + w]! ^ m[qw + w]!;
        d += popcount32(x);
        dm += popcount32(x & m[mw + w]!);
      }
      if (d > max || dm > maskMax) continue;
      m[oi + n] = id;
      m[od + n] = d;
      n++;
      if (n === cap) {
        id++;
        break;
      }
    }
    this.#hits = n;
    return id;
  }

  hits(): number {
    return this.#hits;
  }

  /** Distance of hash `id` to the query at word address `q`; stops once past `max` (in 64-bit steps, as the WASM kernel). */
  #dist(id: number, q: number, max: number): number {
    const m = this.#u32;
    const words = this.#words;
    let p = this.#packed + id * words;
    let d = 0;
    for (let w = 0; w < words; w += 2, p += 2) {
      d += popcount32(m[p]! ^ m[q + w]!) + popcount32(m[p + 1]! ^ m[q + w + 1]!);
      if (d > max) return d;
    }
    return d;
  }

  scan(
    q: number,
    start: number,
    end: number,
    max: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number {
    const m = this.#u32;
    const qw = q >>> 2;
    const oi = outIds >>> 2;
    const od = outDist >>> 2;
    let n = 0;
    let id = start;
    this.#hits = 0;
    if (id >= end) return end;
    if (cap === 0) return start;
    if (this.#words === 8) {
      // 256-bit hashes: unrolled, first 128 bits decide almost every non-match.
      const q0 = m[qw]!;
      const q1 = m[qw + 1]!;
      const q2 = m[qw + 2]!;
      const q3 = m[qw + 3]!;
      const q4 = m[qw + 4]!;
      const q5 = m[qw + 5]!;
      const q6 = m[qw + 6]!;
      const q7 = m[qw + 7]!;
      for (let p = this.#packed + id * 8; id < end; id++, p += 8) {
        let d =
          popcount32(m[p]! ^ q0) +
          popcount32(m[p + 1]! ^ q1) +
          popcount32(m[p + 2]! ^ q2) +
          popcount32(m[p + 3]! ^ q3);
        if (d > max) continue;
        d +=
          popcount32(m[p + 4]! ^ q4) +
          popcount32(m[p + 5]! ^ q5) +
          popcount32(m[p + 6]! ^ q6) +
          popcount32(m[p + 7]! ^ q7);
        if (d > max) continue;
        m[oi + n] = id;
        m[od + n] = d;
        if (++n === cap) {
          id++;
          break;
        }
      }
    } else {
      for (; id < end; id++) {
        const d = this.#dist(id, qw, max);
        if (d > max) continue;
        m[oi + n] = id;
        m[od + n] = d;
        if (++n === cap) {
          id++;
          break;
        }
      }
    }
    this.#hits = n;
    return id;
  }

  scanMany(
    qs: number,
    nq: number,
    start: number,
    end: number,
    max: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number {
    const m = this.#u32;
    const oi = outIds >>> 2;
    const od = outDist >>> 2;
    const words = this.#words;
    let n = 0;
    let id = start;
    this.#hits = 0;
    if (id >= end) return end;
    for (; id < end && n + nq <= cap; id++) {
      for (let j = 0; j < nq; j++) {
        const d = this.#dist(id, (qs >>> 2) + j * words, max);
        if (d > max) continue;
        m[oi + n] = id;
        m[od + n] = (j << 16) | d;
        n++;
      }
    }
    this.#hits = n;
    return id;
  }

  /** Substring `s`'s descriptor: first bit, length, its postings' id(i), and its table's off(v). */
  #sub(s: number): { start: number; bits: number; id: (i: number) => number; off: (v: number) => number } {
    const m = this.#u32;
    const d = this.#desc + 4 * s;
    const bits = m[d + 1]! & 255;
    const encoding = m[d + 1]! >>> 8;
    const off = offsetReader(this.#buffer, m[d + 2]!, bits, encoding);
    return {
      start: m[d]!,
      bits,
      id: postingsReader(this.#buffer, m[d + 3]!, encoding, off(2 ** bits)),
      off,
    };
  }

  mih(
    q: number,
    max: number,
    radii: number,
    cand: number,
    candCap: number,
    _ranges: number,
    _rangeCap: number,
    budget: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number {
    const m = this.#u32;
    const qw = q >>> 2;
    const oi = outIds >>> 2;
    const od = outDist >>> 2;
    const rw = radii >>> 2;
    const cw = cand >>> 2;
    let n = 0;
    let nc = 0;
    let left = budget;
    /** Checks the gathered candidates of substring `s`; false when the output overflows. */
    const check = (s: number): boolean => {
      for (let i = 0; i < nc; i++) {
        const id = m[cw + i]!;
        const d = this.#dist(id, qw, max);
        if (d > max || this.#seenEarlier(s, this.#packed + id * this.#words, qw, rw)) continue;
        if (n >= cap) return false;
        m[oi + n] = id;
        m[od + n] = d;
        n++;
      }
      nc = 0;
      return true;
    };
    for (let s = 0; s < this.#subs; s++) {
      const r = m[rw + s]! | 0;
      if (r < 0) continue;
      const sub = this.#sub(s);
      const qv = substringValue(m, qw, sub.start, sub.bits);
      /** Gathers the ids under value v: 0, or -1 / -2 as the kernel returns. */
      const gather = (v: number): number => {
        const from = sub.off(v);
        const to = sub.off(v + 1);
        if (from >= to) return 0;
        left -= to - from;
        if (left < 0) return -2;
        for (let i = from; i < to; i++) {
          if (nc === candCap && !check(s)) return -1;
          m[cw + nc++] = sub.id(i);
        }
        return 0;
      };
      let res = gather(qv);
      if (res < 0) return res;
      const top = 2 ** sub.bits;
      for (let k = 1; k <= r && k <= sub.bits; k++) {
        // every mask of sub.bits bits with k bits set, in increasing order (Gosper's hack)
        for (let mask = (1 << k) - 1; mask < top; ) {
          res = gather(qv ^ mask);
          if (res < 0) return res;
          const c = mask & -mask;
          const t = mask + c;
          mask = (((t ^ mask) >>> 2) / c) | t;
        }
      }
      if (!check(s)) return -1;
    }
    return n;
  }

  mihMasked(
    q: number,
    mask: number,
    max: number,
    maskMax: number,
    radii: number,
    probes: number,
    counts: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number {
    const m = this.#u32;
    const qw = q >>> 2;
    const mw = mask >>> 2;
    const oi = outIds >>> 2;
    const od = outDist >>> 2;
    const rw = radii >>> 2;
    let n = 0;
    let k = probes >>> 2;
    for (let s = 0; s < this.#subs; s++) {
      const sub = this.#sub(s);
      const end = k + m[(counts >>> 2) + s]!;
      for (; k < end; k++) {
        const v = m[k]!;
        const last = sub.off(v + 1);
        for (let i = sub.off(v); i < last; i++) {
          const id = sub.id(i);
          const p = this.#packed + id * this.#words;
          const d = this.#dist(id, qw, max);
          if (d > max) continue;
          let dm = 0;
          for (let w = 0; w < this.#words; w++) dm += popcount32((m[p + w]! ^ m[qw + w]!) & m[mw + w]!);
          if (dm > maskMax || this.#seenEarlierMasked(s, p, qw, mw, rw)) continue;
          if (n >= cap) return -1;
          m[oi + n] = id;
          m[od + n] = d;
          n++;
        }
      }
    }
    return n;
  }

  /** True when a substring before `s` is within its radius of the query on the mask's bits. */
  #seenEarlierMasked(s: number, p: number, q: number, mask: number, radii: number): boolean {
    const m = this.#u32;
    for (let t = 0; t < s; t++) {
      const r = m[radii + t]! | 0;
      if (r < 0) continue;
      const { start, bits } = this.#sub(t);
      const x = substringValue(m, p, start, bits) ^ substringValue(m, q, start, bits);
      if (popcount32(x & substringValue(m, mask, start, bits)) <= r) return true;
    }
    return false;
  }

  /** True when a substring before `s` is within its radius: the candidate was reported there. */
  #seenEarlier(s: number, p: number, q: number, radii: number): boolean {
    const m = this.#u32;
    for (let t = 0; t < s; t++) {
      const r = m[radii + t]! | 0;
      if (r < 0) continue;
      const { start, bits } = this.#sub(t);
      if (popcount32(substringValue(m, p, start, bits) ^ substringValue(m, q, start, bits)) <= r) return true;
    }
    return false;
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

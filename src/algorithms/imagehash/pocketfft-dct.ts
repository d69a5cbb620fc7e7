/**
 * `scipy.fftpack.dct(x)` (type II, no normalisation) as scipy computes it since 1.4: with
 * pocketfft's `T_dcst23`, a pre-pass, a real backward FFT (FFTPACK radix-2/3/4/5 passes) and a
 * twiddle post-pass. phash thresholds DCT coefficients at their median, and for images with
 * symmetric or flat regions many coefficients are zero in exact arithmetic; which side of the
 * median they land on is decided by the rounding of this exact sequence of double operations
 * (scipy, for example, returns exact zeros where a direct sum leaves 1e-14 noise). Each step
 * therefore follows pocketfft's operation order, and the twiddle factors are built the way its
 * `sincos_2pibyn` builds them.
 *
 * Lengths for which pocketfft would switch to Bluestein's algorithm (long lengths with a large
 * prime factor, never reached by phash's 4 x hash_size <= 256) fall back to a direct
 * double-precision sum: same values to ~1e-12, ties may resolve differently.
 */
import { exactSinCos, piOver } from './exact-trig.js';

/** pocketfft's `sincos_2pibyn(n)`: e^(2 pi i k / n) from two small tables, as the C++ rounds it. */
class UnitRoots {
  private readonly n: number;
  private readonly shift: number;
  private readonly mask: number;
  private readonly v1: Float64Array;
  private readonly v2: Float64Array;

  constructor(n: number) {
    this.n = n;
    const ang = piOver(4 * n);
    const nval = Math.floor((n + 2) / 2);
    let shift = 1;
    while (2 ** shift * 2 ** shift < nval) shift++;
    this.shift = shift;
    this.mask = 2 ** shift - 1;
    this.v1 = new Float64Array(2 * (this.mask + 1));
    this.v1[0] = 1;
    for (let i = 1; i <= this.mask; i++) this.calc(i, ang, this.v1, i);
    const count = Math.floor((nval + this.mask) / (this.mask + 1));
    this.v2 = new Float64Array(2 * count);
    this.v2[0] = 1;
    for (let i = 1; i < count; i++) this.calc(i * (this.mask + 1), ang, this.v2, i);
  }

  /** One root by octant symmetry, so exact values (0, 1, sqrt(1/2) pairs) stay exact. */
  private calc(k: number, ang: number, out: Float64Array, at: number): void {
    const n = this.n;
    const sc = (m: number): [number, number] => exactSinCos(m * ang);
    let x = k * 8;
    let r: number;
    let i: number;
    if (x < 4 * n) {
      if (x < 2 * n) {
        if (x < n) [i, r] = sc(x);
        else [r, i] = sc(2 * n - x);
      } else {
        x -= 2 * n;
        if (x < n) {
          const [s, c] = sc(x);
          [r, i] = [-s, c];
        } else {
          const [s, c] = sc(2 * n - x);
          [r, i] = [-c, s];
        }
      }
    } else {
      x = 8 * n - x;
      if (x < 2 * n) {
        if (x < n) {
          const [s, c] = sc(x);
          [r, i] = [c, -s];
        } else {
          const [s, c] = sc(2 * n - x);
          [r, i] = [s, -c];
        }
      } else {
        x -= 2 * n;
        if (x < n) {
          const [s, c] = sc(x);
          [r, i] = [-s, -c];
        } else {
          const [s, c] = sc(2 * n - x);
          [r, i] = [-c, -s];
        }
      }
    }
    out[2 * at] = r;
    out[2 * at + 1] = i;
  }

  /** [cos, sin] of 2 pi idx / n. */
  get(idx: number): [number, number] {
    let k = idx;
    let sign = 1;
    if (2 * k > this.n) {
      k = this.n - k;
      sign = -1;
    }
    const a = (k & this.mask) * 2;
    const b = (k >> this.shift) * 2;
    const x1r = this.v1[a]!;
    const x1i = this.v1[a + 1]!;
    const x2r = this.v2[b]!;
    const x2i = this.v2[b + 1]!;
    const im = x1r * x2i + x1i * x2r;
    return [x1r * x2r - x1i * x2i, sign < 0 ? -im : im];
  }
}

interface Factor {
  readonly ip: number;
  readonly tw: Float64Array;
  /** cos/sin of 2 pi k / ip, for the generic radix pass (ip > 5). */
  readonly tws: Float64Array;
}

/** pocketfft's `rfftp` factorisation: 4s first, one 2 moved to the front, then odd primes. */
function factorize(n: number): number[] {
  const factors: number[] = [];
  let len = n;
  while (len % 4 === 0) {
    factors.push(4);
    len /= 4;
  }
  if (len % 2 === 0) {
    len /= 2;
    factors.push(2);
    const last = factors.length - 1;
    [factors[0], factors[last]] = [factors[last]!, factors[0]!];
  }
  for (let d = 3; d * d <= len; d += 2) {
    while (len % d === 0) {
      factors.push(d);
      len /= d;
    }
  }
  if (len > 1) factors.push(len);
  return factors;
}

/** A real backward FFT plan (FFTPACK `radb*` passes, pocketfft's `rfftp`). */
class RealBackwardFft {
  readonly n: number;
  private readonly factors: Factor[];

  constructor(n: number) {
    this.n = n;
    const roots = new UnitRoots(n);
    const ips = factorize(n);
    this.factors = [];
    let l1 = 1;
    ips.forEach((ip, k) => {
      const ido = n / (l1 * ip);
      const tw = new Float64Array(Math.max(0, (ip - 1) * (ido - 1)));
      if (k < ips.length - 1) {
        for (let j = 1; j < ip; j++) {
          for (let i = 1; i <= (ido - 1) >> 1; i++) {
            const [r, im] = roots.get(j * l1 * i);
            tw[(j - 1) * (ido - 1) + 2 * i - 2] = r;
            tw[(j - 1) * (ido - 1) + 2 * i - 1] = im;
          }
        }
      }
      const tws = new Float64Array(ip > 5 ? 2 * ip : 0);
      if (ip > 5) {
        tws[0] = 1;
        for (let i = 2, ic = 2 * ip - 2; i <= ic; i += 2, ic -= 2) {
          const [r, im] = roots.get((i / 2) * (n / ip));
          tws[i] = r;
          tws[i + 1] = im;
          tws[ic] = r;
          tws[ic + 1] = -im;
        }
      }
      this.factors.push({ ip, tw, tws });
      l1 *= ip;
    });
  }

  /**
   * Whether pocketfft itself would use this FFTPACK plan (`pocketfft_r` switches to Bluestein
   * for long lengths with a large prime factor; phash never gets there).
   */
  static supports(n: number): boolean {
    const factors = factorize(n);
    const largest = Math.max(1, ...factors);
    if (n < 50 || largest * largest <= n) return true;
    const cost = (m: number): number => {
      let result = 0;
      for (const f of factorize(m)) result += f === 4 ? 4 : f <= 5 ? f : 1.1 * f;
      return result * m;
    };
    let good = 2 * n - 1;
    while (!factorize(good).every((f) => f <= 11)) good++;
    return !(2 * cost(good) * 1.5 < 0.5 * cost(n));
  }

  /** In place: halfcomplex (FFTPACK order) to real, unnormalised. */
  backward(c: Float64Array): void {
    const n = this.n;
    if (n === 1) return;
    let p1: Float64Array = c;
    let p2: Float64Array = new Float64Array(n);
    let l1 = 1;
    for (const { ip, tw, tws } of this.factors) {
      const ido = n / (ip * l1);
      if (ip === 4) radb4(ido, l1, p1, p2, tw);
      else if (ip === 2) radb2(ido, l1, p1, p2, tw);
      else if (ip === 3) radb3(ido, l1, p1, p2, tw);
      else if (ip === 5) radb5(ido, l1, p1, p2, tw);
      else radbg(ido, ip, l1, p1, p2, tw, tws);
      [p1, p2] = [p2, p1];
      l1 *= ip;
    }
    if (p1 !== c) c.set(p1);
  }
}

function radb2(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 2 * c);
  const CH = (a: number, b: number, c: number): number => a + ido * (b + l1 * c);
  for (let k = 0; k < l1; k++) {
    const a = cc[CC(0, 0, k)]!;
    const b = cc[CC(ido - 1, 1, k)]!;
    ch[CH(0, k, 0)] = a + b;
    ch[CH(0, k, 1)] = a - b;
  }
  if ((ido & 1) === 0) {
    for (let k = 0; k < l1; k++) {
      ch[CH(ido - 1, k, 0)] = 2 * cc[CC(ido - 1, 0, k)]!;
      ch[CH(ido - 1, k, 1)] = -2 * cc[CC(0, 1, k)]!;
    }
  }
  if (ido <= 2) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2; i < ido; i += 2) {
      const ic = ido - i;
      const a = cc[CC(i - 1, 0, k)]!;
      const b = cc[CC(ic - 1, 1, k)]!;
      ch[CH(i - 1, k, 0)] = a + b;
      const tr2 = a - b;
      const c = cc[CC(i, 0, k)]!;
      const d = cc[CC(ic, 1, k)]!;
      const ti2 = c + d;
      ch[CH(i, k, 0)] = c - d;
      const wr = wa[i - 2]!;
      const wi = wa[i - 1]!;
      ch[CH(i, k, 1)] = wr * ti2 + wi * tr2;
      ch[CH(i - 1, k, 1)] = wr * tr2 - wi * ti2;
    }
  }
}

const TAUR = -0.5;
const TAUI = 0.8660254037844386; // sqrt(3)/2 as pocketfft rounds it

function radb3(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 3 * c);
  const CH = (a: number, b: number, c: number): number => a + ido * (b + l1 * c);
  const WA = (x: number, i: number): number => wa[i + x * (ido - 1)]!;
  for (let k = 0; k < l1; k++) {
    const tr2 = 2 * cc[CC(ido - 1, 1, k)]!;
    const cr2 = cc[CC(0, 0, k)]! + TAUR * tr2;
    ch[CH(0, k, 0)] = cc[CC(0, 0, k)]! + tr2;
    const ci3 = 2 * TAUI * cc[CC(0, 2, k)]!;
    ch[CH(0, k, 2)] = cr2 + ci3;
    ch[CH(0, k, 1)] = cr2 - ci3;
  }
  if (ido === 1) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2, ic = ido - 2; i < ido; i += 2, ic -= 2) {
      const tr2 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const ti2 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const cr2 = cc[CC(i - 1, 0, k)]! + TAUR * tr2;
      const ci2 = cc[CC(i, 0, k)]! + TAUR * ti2;
      ch[CH(i - 1, k, 0)] = cc[CC(i - 1, 0, k)]! + tr2;
      ch[CH(i, k, 0)] = cc[CC(i, 0, k)]! + ti2;
      const cr3 = TAUI * (cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!);
      const ci3 = TAUI * (cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!);
      const dr3 = cr2 + ci3;
      const dr2 = cr2 - ci3;
      const di2 = ci2 + cr3;
      const di3 = ci2 - cr3;
      ch[CH(i, k, 1)] = WA(0, i - 2) * di2 + WA(0, i - 1) * dr2;
      ch[CH(i - 1, k, 1)] = WA(0, i - 2) * dr2 - WA(0, i - 1) * di2;
      ch[CH(i, k, 2)] = WA(1, i - 2) * di3 + WA(1, i - 1) * dr3;
      ch[CH(i - 1, k, 2)] = WA(1, i - 2) * dr3 - WA(1, i - 1) * di3;
    }
  }
}

function radb4(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 4 * c);
  const CH = (a: number, b: number, c: number): number => a + ido * (b + l1 * c);
  const WA = (x: number, i: number): number => wa[i + x * (ido - 1)]!;
  for (let k = 0; k < l1; k++) {
    const a = cc[CC(0, 0, k)]!;
    const b = cc[CC(ido - 1, 3, k)]!;
    const tr2 = a + b;
    const tr1 = a - b;
    const tr3 = 2 * cc[CC(ido - 1, 1, k)]!;
    const tr4 = 2 * cc[CC(0, 2, k)]!;
    ch[CH(0, k, 0)] = tr2 + tr3;
    ch[CH(0, k, 2)] = tr2 - tr3;
    ch[CH(0, k, 3)] = tr1 + tr4;
    ch[CH(0, k, 1)] = tr1 - tr4;
  }
  if ((ido & 1) === 0) {
    for (let k = 0; k < l1; k++) {
      const ti1 = cc[CC(0, 3, k)]! + cc[CC(0, 1, k)]!;
      const ti2 = cc[CC(0, 3, k)]! - cc[CC(0, 1, k)]!;
      const tr2 = cc[CC(ido - 1, 0, k)]! + cc[CC(ido - 1, 2, k)]!;
      const tr1 = cc[CC(ido - 1, 0, k)]! - cc[CC(ido - 1, 2, k)]!;
      ch[CH(ido - 1, k, 0)] = tr2 + tr2;
      ch[CH(ido - 1, k, 1)] = Math.SQRT2 * (tr1 - ti1);
      ch[CH(ido - 1, k, 2)] = ti2 + ti2;
      ch[CH(ido - 1, k, 3)] = -Math.SQRT2 * (tr1 + ti1);
    }
  }
  if (ido <= 2) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2; i < ido; i += 2) {
      const ic = ido - i;
      const tr2 = cc[CC(i - 1, 0, k)]! + cc[CC(ic - 1, 3, k)]!;
      const tr1 = cc[CC(i - 1, 0, k)]! - cc[CC(ic - 1, 3, k)]!;
      const ti1 = cc[CC(i, 0, k)]! + cc[CC(ic, 3, k)]!;
      const ti2 = cc[CC(i, 0, k)]! - cc[CC(ic, 3, k)]!;
      const tr4 = cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!;
      const ti3 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const tr3 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const ti4 = cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!;
      ch[CH(i - 1, k, 0)] = tr2 + tr3;
      const cr3 = tr2 - tr3;
      ch[CH(i, k, 0)] = ti2 + ti3;
      const ci3 = ti2 - ti3;
      const cr4 = tr1 + tr4;
      const cr2 = tr1 - tr4;
      const ci2 = ti1 + ti4;
      const ci4 = ti1 - ti4;
      ch[CH(i, k, 1)] = WA(0, i - 2) * ci2 + WA(0, i - 1) * cr2;
      ch[CH(i - 1, k, 1)] = WA(0, i - 2) * cr2 - WA(0, i - 1) * ci2;
      ch[CH(i, k, 2)] = WA(1, i - 2) * ci3 + WA(1, i - 1) * cr3;
      ch[CH(i - 1, k, 2)] = WA(1, i - 2) * cr3 - WA(1, i - 1) * ci3;
      ch[CH(i, k, 3)] = WA(2, i - 2) * ci4 + WA(2, i - 1) * cr4;
      ch[CH(i - 1, k, 3)] = WA(2, i - 2) * cr4 - WA(2, i - 1) * ci4;
    }
  }
}

// cos and sin of 2pi/5 and 4pi/5, the doubles pocketfft's long-double literals round to.
const TR11 = 0.30901699437494745;
const TI11 = 0.9510565162951535;
const TR12 = -0.8090169943749475;
const TI12 = 0.5877852522924731;

function radb5(ido: number, l1: number, cc: Float64Array, ch: Float64Array, wa: Float64Array): void {
  const CC = (a: number, b: number, c: number): number => a + ido * (b + 5 * c);
  const CH = (a: number, b: number, c: number): number => a + ido * (b + l1 * c);
  const WA = (x: number, i: number): number => wa[i + x * (ido - 1)]!;
  for (let k = 0; k < l1; k++) {
    const ti5 = cc[CC(0, 2, k)]! + cc[CC(0, 2, k)]!;
    const ti4 = cc[CC(0, 4, k)]! + cc[CC(0, 4, k)]!;
    const tr2 = cc[CC(ido - 1, 1, k)]! + cc[CC(ido - 1, 1, k)]!;
    const tr3 = cc[CC(ido - 1, 3, k)]! + cc[CC(ido - 1, 3, k)]!;
    const c0 = cc[CC(0, 0, k)]!;
    ch[CH(0, k, 0)] = c0 + tr2 + tr3;
    const cr2 = c0 + TR11 * tr2 + TR12 * tr3;
    const cr3 = c0 + TR12 * tr2 + TR11 * tr3;
    const ci5 = ti5 * TI11 + ti4 * TI12;
    const ci4 = ti5 * TI12 - ti4 * TI11;
    ch[CH(0, k, 4)] = cr2 + ci5;
    ch[CH(0, k, 1)] = cr2 - ci5;
    ch[CH(0, k, 3)] = cr3 + ci4;
    ch[CH(0, k, 2)] = cr3 - ci4;
  }
  if (ido === 1) return;
  for (let k = 0; k < l1; k++) {
    for (let i = 2, ic = ido - 2; i < ido; i += 2, ic -= 2) {
      const tr2 = cc[CC(i - 1, 2, k)]! + cc[CC(ic - 1, 1, k)]!;
      const tr5 = cc[CC(i - 1, 2, k)]! - cc[CC(ic - 1, 1, k)]!;
      const ti5 = cc[CC(i, 2, k)]! + cc[CC(ic, 1, k)]!;
      const ti2 = cc[CC(i, 2, k)]! - cc[CC(ic, 1, k)]!;
      const tr3 = cc[CC(i - 1, 4, k)]! + cc[CC(ic - 1, 3, k)]!;
      const tr4 = cc[CC(i - 1, 4, k)]! - cc[CC(ic - 1, 3, k)]!;
      const ti4 = cc[CC(i, 4, k)]! + cc[CC(ic, 3, k)]!;
      const ti3 = cc[CC(i, 4, k)]! - cc[CC(ic, 3, k)]!;
      const r0 = cc[CC(i - 1, 0, k)]!;
      const i0 = cc[CC(i, 0, k)]!;
      ch[CH(i - 1, k, 0)] = r0 + tr2 + tr3;
      ch[CH(i, k, 0)] = i0 + ti2 + ti3;
      const cr2 = r0 + TR11 * tr2 + TR12 * tr3;
      const ci2 = i0 + TR11 * ti2 + TR12 * ti3;
      const cr3 = r0 + TR12 * tr2 + TR11 * tr3;
      const ci3 = i0 + TR12 * ti2 + TR11 * ti3;
      const cr5 = tr5 * TI11 + tr4 * TI12;
      const cr4 = tr5 * TI12 - tr4 * TI11;
      const ci5 = ti5 * TI11 + ti4 * TI12;
      const ci4 = ti5 * TI12 - ti4 * TI11;
      const dr4 = cr3 + ci4;
      const dr3 = cr3 - ci4;
      const di3 = ci3 + cr4;
      const di4 = ci3 - cr4;
      const dr5 = cr2 + ci5;
      const dr2 = cr2 - ci5;
      const di2 = ci2 + cr5;
      const di5 = ci2 - cr5;
      ch[CH(i, k, 1)] = WA(0, i - 2) * di2 + WA(0, i - 1) * dr2;
      ch[CH(i - 1, k, 1)] = WA(0, i - 2) * dr2 - WA(0, i - 1) * di2;
      ch[CH(i, k, 2)] = WA(1, i - 2) * di3 + WA(1, i - 1) * dr3;
      ch[CH(i - 1, k, 2)] = WA(1, i - 2) * dr3 - WA(1, i - 1) * di3;
      ch[CH(i, k, 3)] = WA(2, i - 2) * di4 + WA(2, i - 1) * dr4;
      ch[CH(i - 1, k, 3)] = WA(2, i - 2) * dr4 - WA(2, i - 1) * di4;
      ch[CH(i, k, 4)] = WA(3, i - 2) * di5 + WA(3, i - 1) * dr5;
      ch[CH(i - 1, k, 4)] = WA(3, i - 2) * dr5 - WA(3, i - 1) * di5;
    }
  }
}

/** FFTPACK's generic odd-radix backward pass (`radbg`), for prime factors above 5. */
function radbg(
  ido: number,
  ip: number,
  l1: number,
  cc: Float64Array,
  ch: Float64Array,
  wa: Float64Array,
  csarr: Float64Array,
): void {
  const ipph = (ip + 1) >> 1;
  const idl1 = ido * l1;
  const CC = (a: number, b: number, c: number): number => a + ido * (b + ip * c);
  const CH = (a: number, b: number, c: number): number => a + ido * (b + l1 * c);
  const C1 = CH; // the same layout, read from cc
  const C2 = (a: number, b: number): number => a + idl1 * b;
  for (let k = 0; k < l1; k++) for (let i = 0; i < ido; i++) ch[CH(i, k, 0)] = cc[CC(i, 0, k)]!;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    const j2 = 2 * j - 1;
    for (let k = 0; k < l1; k++) {
      ch[CH(0, k, j)] = 2 * cc[CC(ido - 1, j2, k)]!;
      ch[CH(0, k, jc)] = 2 * cc[CC(0, j2 + 1, k)]!;
    }
  }
  if (ido !== 1) {
    for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
      const j2 = 2 * j - 1;
      for (let k = 0; k < l1; k++) {
        for (let i = 1, ic = ido - i - 2; i <= ido - 2; i += 2, ic -= 2) {
          ch[CH(i, k, j)] = cc[CC(i, j2 + 1, k)]! + cc[CC(ic, j2, k)]!;
          ch[CH(i, k, jc)] = cc[CC(i, j2 + 1, k)]! - cc[CC(ic, j2, k)]!;
          ch[CH(i + 1, k, j)] = cc[CC(i + 1, j2 + 1, k)]! - cc[CC(ic + 1, j2, k)]!;
          ch[CH(i + 1, k, jc)] = cc[CC(i + 1, j2 + 1, k)]! + cc[CC(ic + 1, j2, k)]!;
        }
      }
    }
  }
  for (let l = 1, lc = ip - 1; l < ipph; l++, lc--) {
    for (let ik = 0; ik < idl1; ik++) {
      cc[C2(ik, l)] = ch[C2(ik, 0)]! + csarr[2 * l]! * ch[C2(ik, 1)]! + csarr[4 * l]! * ch[C2(ik, 2)]!;
      cc[C2(ik, lc)] = csarr[2 * l + 1]! * ch[C2(ik, ip - 1)]! + csarr[4 * l + 1]! * ch[C2(ik, ip - 2)]!;
    }
    let iang = 2 * l;
    let j = 3;
    let jc = ip - 3;
    const next = (): [number, number] => {
      iang += l;
      if (iang > ip) iang -= ip; // pocketfft's backward pass compares with >, not >=
      return [csarr[2 * iang]!, csarr[2 * iang + 1]!];
    };
    for (; j < ipph - 3; j += 4, jc -= 4) {
      const [ar1, ai1] = next();
      const [ar2, ai2] = next();
      const [ar3, ai3] = next();
      const [ar4, ai4] = next();
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)] =
          cc[C2(ik, l)]! +
          (ar1 * ch[C2(ik, j)]! +
            ar2 * ch[C2(ik, j + 1)]! +
            ar3 * ch[C2(ik, j + 2)]! +
            ar4 * ch[C2(ik, j + 3)]!);
        cc[C2(ik, lc)] =
          cc[C2(ik, lc)]! +
          (ai1 * ch[C2(ik, jc)]! +
            ai2 * ch[C2(ik, jc - 1)]! +
            ai3 * ch[C2(ik, jc - 2)]! +
            ai4 * ch[C2(ik, jc - 3)]!);
      }
    }
    for (; j < ipph - 1; j += 2, jc -= 2) {
      const [ar1, ai1] = next();
      const [ar2, ai2] = next();
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)] = cc[C2(ik, l)]! + (ar1 * ch[C2(ik, j)]! + ar2 * ch[C2(ik, j + 1)]!);
        cc[C2(ik, lc)] = cc[C2(ik, lc)]! + (ai1 * ch[C2(ik, jc)]! + ai2 * ch[C2(ik, jc - 1)]!);
      }
    }
    for (; j < ipph; j++, jc--) {
      const [war, wai] = next();
      for (let ik = 0; ik < idl1; ik++) {
        cc[C2(ik, l)] = cc[C2(ik, l)]! + war * ch[C2(ik, j)]!;
        cc[C2(ik, lc)] = cc[C2(ik, lc)]! + wai * ch[C2(ik, jc)]!;
      }
    }
  }
  for (let j = 1; j < ipph; j++)
    for (let ik = 0; ik < idl1; ik++) ch[C2(ik, 0)] = ch[C2(ik, 0)]! + ch[C2(ik, j)]!;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    for (let k = 0; k < l1; k++) {
      const a = cc[C1(0, k, j)]!;
      const b = cc[C1(0, k, jc)]!;
      ch[CH(0, k, jc)] = a + b;
      ch[CH(0, k, j)] = a - b;
    }
  }
  if (ido === 1) return;
  for (let j = 1, jc = ip - 1; j < ipph; j++, jc--) {
    for (let k = 0; k < l1; k++) {
      for (let i = 1; i <= ido - 2; i += 2) {
        ch[CH(i, k, j)] = cc[C1(i, k, j)]! - cc[C1(i + 1, k, jc)]!;
        ch[CH(i, k, jc)] = cc[C1(i, k, j)]! + cc[C1(i + 1, k, jc)]!;
        ch[CH(i + 1, k, j)] = cc[C1(i + 1, k, j)]! + cc[C1(i, k, jc)]!;
        ch[CH(i + 1, k, jc)] = cc[C1(i + 1, k, j)]! - cc[C1(i, k, jc)]!;
      }
    }
  }
  for (let j = 1; j < ip; j++) {
    const is = (j - 1) * (ido - 1);
    for (let k = 0; k < l1; k++) {
      let idij = is;
      for (let i = 1; i <= ido - 2; i += 2) {
        const t1 = ch[CH(i, k, j)]!;
        const t2 = ch[CH(i + 1, k, j)]!;
        ch[CH(i, k, j)] = wa[idij]! * t1 - wa[idij + 1]! * t2;
        ch[CH(i + 1, k, j)] = wa[idij]! * t2 + wa[idij + 1]! * t1;
        idij += 2;
      }
    }
  }
}

/** A DCT-II plan for one length (pocketfft's `T_dcst23`, type 2, cosine, no normalisation). */
export class ScipyDct2 {
  readonly n: number;
  private readonly fft: RealBackwardFft | undefined;
  private readonly twiddle: Float64Array;
  private readonly cos: Float64Array | undefined;

  constructor(n: number) {
    this.n = n;
    this.twiddle = new Float64Array(n);
    if (RealBackwardFft.supports(n)) {
      this.fft = new RealBackwardFft(n);
      const roots = new UnitRoots(4 * n);
      for (let i = 0; i < n; i++) this.twiddle[i] = roots.get(i + 1)[0];
    } else {
      // Direct sum: y[k] = 2 * sum x[j] cos(pi k (2j + 1) / 2n).
      this.cos = new Float64Array(n * n);
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < n; j++)
          this.cos[k * n + j] = Math.cos((Math.PI * ((k * (2 * j + 1)) % (4 * n))) / (2 * n));
      }
    }
  }

  /** Transforms `c` (length n) in place. */
  run(c: Float64Array): void {
    const n = this.n;
    if (!this.fft) {
      const x = c.slice();
      for (let k = 0; k < n; k++) {
        let sum = 0;
        for (let j = 0; j < n; j++) sum += x[j]! * this.cos![k * n + j]!;
        c[k] = 2 * sum;
      }
      return;
    }
    const tw = this.twiddle;
    const ns2 = Math.floor((n + 1) / 2);
    c[0]! *= 2;
    if ((n & 1) === 0) c[n - 1]! *= 2;
    for (let k = 1; k < n - 1; k += 2) {
      const t = c[k + 1]!;
      c[k + 1] = t - c[k]!;
      c[k] = t + c[k]!;
    }
    this.fft.backward(c);
    for (let k = 1, kc = n - 1; k < ns2; k++, kc--) {
      const t1 = tw[k - 1]! * c[kc]! + tw[kc - 1]! * c[k]!;
      const t2 = tw[k - 1]! * c[k]! - tw[kc - 1]! * c[kc]!;
      c[k] = 0.5 * (t1 + t2);
      c[kc] = 0.5 * (t1 - t2);
    }
    if ((n & 1) === 0) c[ns2]! *= tw[ns2 - 1]!;
  }
}

const plans = new Map<number, ScipyDct2>();

function planFor(n: number): ScipyDct2 {
  let plan = plans.get(n);
  if (!plan) {
    plan = new ScipyDct2(n);
    plans.set(n, plan);
  }
  return plan;
}

/**
 * `scipy.fftpack.dct(scipy.fftpack.dct(x, axis=0), axis=1)` of a `size` x `size` block
 * (row-major), the full result, row-major.
 *
 * @example
 * ```ts
 * const coefficients = scipyDct2d(Float64Array.from(grid.data), 32);
 * ```
 */
export function scipyDct2d(pixels: ArrayLike<number>, size: number): Float64Array {
  const plan = planFor(size);
  const out = Float64Array.from(pixels);
  const line = new Float64Array(size);
  for (let x = 0; x < size; x++) {
    for (let y = 0; y < size; y++) line[y] = out[y * size + x]!;
    plan.run(line);
    for (let y = 0; y < size; y++) out[y * size + x] = line[y]!;
  }
  for (let y = 0; y < size; y++) {
    const row = out.subarray(y * size, (y + 1) * size);
    line.set(row);
    plan.run(line);
    row.set(line);
  }
  return out;
}

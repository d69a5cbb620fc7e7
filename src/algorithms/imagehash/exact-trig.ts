/**
 * Correctly rounded sine and cosine for small arguments, computed in double-double arithmetic.
 * The FFT twiddle factors scipy uses come from glibc's `sin`/`cos`, which round correctly, while
 * JavaScript engines may be off by one unit in the last place (V8 is, for about 7% of the
 * angles pocketfft needs), and one such bit is enough to move a DCT coefficient across the
 * median. Only used while building DCT plans, so speed does not matter.
 */

/** A double-double: the unevaluated sum hi + lo with |lo| <= ulp(hi) / 2. */
type DD = readonly [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function split(a: number): DD {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0]);
  const [hi, lo] = twoSum(s, e + x[1] + y[1]);
  return [hi, lo];
}

function mul(x: DD, y: DD): DD {
  const [p, e] = twoProd(x[0], y[0]);
  return twoSum(p, e + x[0] * y[1] + x[1] * y[0]);
}

function divSmallInt(x: DD, d: number): DD {
  const q1 = x[0] / d;
  const [p, e] = twoProd(q1, d);
  const rem = x[0] - p - e + x[1];
  return twoSum(q1, rem / d);
}

/** [sin(a), cos(a)] of a double `a` with |a| <= 1, each rounded to the nearest double. */
export function exactSinCos(a: number): [number, number] {
  const x: DD = [a, 0];
  const x2 = mul(x, x);
  let sin: DD = x;
  let cos: DD = [1, 0];
  let sinTerm: DD = x;
  let cosTerm: DD = [1, 0];
  for (let k = 1; k < 20; k++) {
    // term_k = -term_{k-1} * x^2 / ((2k)(2k+1)) for sine, / ((2k-1)(2k)) for cosine.
    cosTerm = divSmallInt(mul(cosTerm, x2), (2 * k - 1) * (2 * k));
    cosTerm = [-cosTerm[0], -cosTerm[1]];
    sinTerm = divSmallInt(mul(sinTerm, x2), 2 * k * (2 * k + 1));
    sinTerm = [-sinTerm[0], -sinTerm[1]];
    cos = add(cos, cosTerm);
    sin = add(sin, sinTerm);
  }
  return [sin[0] + sin[1], cos[0] + cos[1]];
}

/** The long double nearest pi: 0xC90FDAA22168C235 * 2^-62 (x87 extended, 64-bit mantissa). */
const PI_LD_MANTISSA = 0xc90fdaa22168c235n;

/** Rounds the positive rational num/den to `bits` significant bits, ties to even: [mantissa, exponent]. */
function roundRational(num: bigint, den: bigint, bits: number): [bigint, number] {
  let exponent = 0;
  // Scale so that the integer quotient has exactly `bits` bits.
  while (num / den >= 1n << BigInt(bits)) {
    den <<= 1n;
    exponent++;
  }
  while (num / den < 1n << BigInt(bits - 1)) {
    num <<= 1n;
    exponent--;
  }
  let q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(bits)) {
    q >>= 1n;
    exponent++;
  }
  return [q, exponent];
}

/**
 * pi / d as pocketfft computes it: `0.25L * pi / n` (d = 4n) in x87 long double, then rounded
 * to double. The two roundings are reproduced exactly with integers.
 */
export function piOver(d: number): number {
  const [q64, e64] = roundRational(PI_LD_MANTISSA, BigInt(d), 64);
  // value = q64 * 2^(e64 - 62); round the 64-bit mantissa to 53 bits.
  const [q53, e53] = roundRational(q64, 1n, 53);
  return Number(q53) * 2 ** (e53 + e64 - 62);
}

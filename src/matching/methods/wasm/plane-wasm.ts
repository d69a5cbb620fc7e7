/**
 * The luma plane, its histogram and the frame-finding copy made by the WebAssembly kernel
 * (`plane.wat`), with the same integer arithmetic as the JS definition (`lumaPlaneAndCopyJs` in
 * ../pdq-views.ts), so every value is the same. It is the one pass over every pixel of an upload
 * the views need, and the kernel makes it several times faster than JS. One instance per thread,
 * created on first use; plain WebAssembly (no SIMD), so it runs wherever WebAssembly does. The
 * same module turns `derotate`'s grey copies ({@link turnGreyWasm}).
 */
import type { PixelImage } from '../../../core/pixels.js';
import { growMemory, lazyWasmModule } from '../../../core/wasm.js';
import { PLANE_WASM_BASE64 } from './plane-bytes.js';

/** Pixel bytes copied in per call (a whole number of rows of blocks): small enough for L2. */
const CHUNK_BYTES = 256 * 1024;
/** Memory an instance may keep between images; a bigger one is released after use. */
const KEEP_BYTES = 32 * 1024 * 1024;
// Fixed addresses in the kernel's memory (see plane.wat).
const HISTOGRAM_AT = 0;
const SUMS_AT = 4096;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  rows(
    pix: number,
    luma: number,
    width: number,
    rows: number,
    stride: number,
    colours: number,
    factor: number,
  ): void;
  block(
    reduced: number,
    top: number,
    starts: number,
    lengths: number,
    offsets: number,
    weights: number,
    block: number,
  ): void;
  dct(block: number, dct: number, half: number, out: number): void;
  grey(rows: number, w: number, n: number, factor: number, width: number, out: number): void;
  blocks(out: number, width: number, w: number, colours: number, rows: number, factor: number): void;
  turn(
    src: number,
    w: number,
    h: number,
    dst: number,
    width: number,
    height: number,
    cos: number,
    sin: number,
    fill: number,
  ): void;
  steps(
    pix: number,
    w: number,
    h: number,
    ch: number,
    rgb: number,
    t: number,
    rp: number,
    cp: number,
    cnt: number,
  ): void;
  reduce(
    rows: number,
    width: number,
    n: number,
    flat: number,
    q: number,
    needQ: number,
    qf: number,
    needQf: number,
    sets: number,
    nsets: number,
    out: number,
  ): void;
}

/** The compiled module, or null with no WebAssembly here (the JS path takes over). */
const wasmModule = lazyWasmModule(PLANE_WASM_BASE64);
let current: KernelExports | undefined;

function kernel(): KernelExports | undefined {
  if (current) return current;
  const compiled = wasmModule();
  if (!compiled) return undefined;
  current = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  return current;
}

/**
 * The plane (into `into`), its histogram and `shrinkBy(image, factor)`, or undefined when the
 * kernel cannot run here (no WebAssembly, or the host refused the memory). `chunkBytes` is for
 * tests (small chunks exercise the seams).
 */
export function lumaPlaneAndCopyWasm(
  image: PixelImage,
  into: Uint16Array,
  factor: number,
  chunkBytes: number = CHUNK_BYTES,
): { luma: Uint16Array; histogram: Uint32Array; copy: PixelImage } | undefined {
  const k = kernel();
  if (!k) return undefined;
  const { width: w, height: h, channels: stride } = image;
  const colours = stride >= 3 ? 3 : 1;
  const width = Math.ceil(w / factor);
  const height = Math.ceil(h / factor);
  const rowBytes = w * stride;
  const blocksPerChunk = Math.max(1, Math.floor(chunkBytes / (rowBytes * factor)));
  const chunkRows = blocksPerChunk * factor;
  const sumsBytes = width * colours * 4;
  const pixAt = SUMS_AT + Math.ceil(sumsBytes / 16) * 16;
  const lumaAt = pixAt + Math.ceil((chunkRows * rowBytes) / 16) * 16;
  const copyAt = lumaAt + Math.ceil((chunkRows * w * 2) / 16) * 16;
  const need = copyAt + width * height * colours;
  if (!growMemory(k.memory, need)) return undefined;
  const buffer = k.memory.buffer;
  const memory = new Uint8Array(buffer);
  const lanes = new Uint32Array(buffer, HISTOGRAM_AT, 1024);
  const sums = new Uint32Array(buffer, SUMS_AT, width * colours);
  lanes.fill(0);
  sums.fill(0);
  const data =
    image.data instanceof Uint8Array
      ? image.data
      : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  const luma = into.subarray(0, w * h);
  for (let y0 = 0; y0 < h; y0 += chunkRows) {
    const y1 = Math.min(h, y0 + chunkRows);
    memory.set(data.subarray(y0 * rowBytes, y1 * rowBytes), pixAt);
    for (let by = y0; by < y1; by += factor) {
      const rows = Math.min(factor, y1 - by);
      k.rows(pixAt + (by - y0) * rowBytes, lumaAt + (by - y0) * w * 2, w, rows, stride, colours, factor);
      // The row of blocks is complete: its pixels, as shrinkBy rounds them.
      k.blocks(copyAt + (by / factor) * width * colours, width, w, colours, rows, factor);
    }
    luma.set(new Uint16Array(buffer, lumaAt, (y1 - y0) * w), y0 * w);
  }
  const out = memory.slice(copyAt, copyAt + width * height * colours);
  const histogram = new Uint32Array(256);
  for (let v = 0; v < 256; v++)
    histogram[v] = lanes[v]! + lanes[256 + v]! + lanes[512 + v]! + lanes[768 + v]!;
  if (buffer.byteLength > KEEP_BYTES) current = undefined;
  return { luma, histogram, copy: { width, height, channels: colours, data: out } };
}

/**
 * A grey image turned by `degrees` as rotateWindow turns it (the same samples, bit for bit: the
 * kernel repeats rotateGrey's f64 operations in its order), or undefined when the kernel cannot
 * run here. What `derotate` does 12 times per upload with filled corners.
 */
export function turnGreyWasm(
  image: PixelImage,
  degrees: number,
  width: number,
  height: number,
  fill: number,
): PixelImage | undefined {
  const k = kernel();
  if (!k || image.channels !== 1) return undefined;
  const rad = (degrees * Math.PI) / 180;
  const src = SUMS_AT;
  const dst = src + Math.ceil((image.width * image.height) / 16) * 16;
  const need = dst + width * height;
  if (!growMemory(k.memory, need)) return undefined;
  new Uint8Array(k.memory.buffer).set(image.data, src);
  k.turn(src, image.width, image.height, dst, width, height, Math.cos(rad), Math.sin(rad), fill);
  const data = new Uint8Array(k.memory.buffer, dst, width * height).slice();
  if (k.memory.buffer.byteLength > KEEP_BYTES) current = undefined;
  return { width, height, channels: 1, data };
}

/** Column taps as pdq-views.ts makes them (its `Taps`). */
interface ColumnTaps {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly offsets: Int32Array;
  readonly weights: Float64Array;
  readonly tents?: Int32Array;
  readonly tentScale?: number;
}

/** Plane bytes copied in per call of `reduce` (a whole number of rows). */
const REDUCE_CHUNK_BYTES = 128 * 1024;

/**
 * reduceRowsIntoJs (../pdq-views.ts) in the kernel: the plane's rows [top, bottom) filtered by
 * each set of column taps into its output, the same doubles (the kernel repeats the JS's f64
 * operations in its order; the sums of prefix sums are whole numbers below 2^53, held as i64).
 * `ceilings` is the ceiling of every set, or one per set: sets at 255 read the plane as it is, the
 * others flattened (reduceRowsIntoJs's ceiling), all in one pass over the rows; at most one
 * ceiling below 255. False when the kernel cannot run here (or is given two ceilings below 255);
 * the caller then runs the JS. `chunkBytes` is for tests.
 */
export function reduceRowsWasm(
  plane: { readonly width: number; readonly data: Uint16Array },
  sets: readonly ColumnTaps[],
  top: number,
  bottom: number,
  ceilings: number | readonly number[],
  outs: readonly Float64Array[],
  chunkBytes: number = REDUCE_CHUNK_BYTES,
): boolean {
  const { width, data } = plane;
  // Beyond this width a row's sums of prefix sums could pass 2^53, where the JS's doubles round.
  if (width > 65536 || bottom <= top) return bottom <= top;
  const ceilingOf = (s: number) => (typeof ceilings === 'number' ? ceilings : ceilings[s]!);
  const flattened = sets.map((_, s) => ceilingOf(s) < 255);
  const levels = new Set(sets.map((_, s) => ceilingOf(s)).filter((c) => c < 255));
  if (levels.size > 1) return false;
  const ceiling = levels.size === 1 ? [...levels][0]! : 255;
  const k = kernel();
  if (!k) return false;
  const chunkRows = Math.max(1, Math.min(bottom - top, Math.floor(chunkBytes / (width * 2))));
  const align = (n: number) => Math.ceil(n / 16) * 16;
  // Layout after SUMS_AT: set descriptors, each set's taps, the sums, the rows, the outputs.
  let at = SUMS_AT + align(sets.length * 32);
  const placed = sets.map((t) => {
    const starts = at;
    const lengths = starts + 256;
    const offsets = lengths + 256;
    const tents = offsets + 256;
    const weights = tents + 1024;
    at = align(weights + t.weights.length * 8);
    return { starts, lengths, offsets, tents: t.tents ? tents : 0, weights };
  });
  const q = at;
  // q: room for the plain and flattened sums interleaved (16 bytes a pixel) when both are made.
  const qf = align(q + (width + 2) * 16);
  const rowsAt = align(qf + (width + 2) * 8);
  const outAt = align(rowsAt + chunkRows * width * 2);
  const need = outAt + sets.length * chunkRows * 512;
  if (!growMemory(k.memory, need)) return false;
  const buffer = k.memory.buffer;
  const i32 = new Int32Array(buffer);
  const f64 = new Float64Array(buffer);
  for (const [n, t] of sets.entries()) {
    const p = placed[n]!;
    const d = SUMS_AT + n * 32;
    i32.set([p.starts, p.lengths, p.offsets, p.weights, p.tents, flattened[n] ? 1 : 0], d / 4);
    f64[(d + 24) / 8] = t.tentScale ?? 0;
    i32.set(t.starts, p.starts / 4);
    i32.set(t.lengths, p.lengths / 4);
    i32.set(t.offsets, p.offsets / 4);
    if (t.tents) i32.set(t.tents, p.tents / 4);
    f64.set(t.weights, p.weights / 8);
  }
  const needQ = sets.some((t, s) => t.tents && !flattened[s]) ? 1 : 0;
  const needQf = sets.some((t, s) => t.tents && flattened[s]) ? 1 : 0;
  const u16 = new Uint16Array(buffer);
  for (let y0 = top; y0 < bottom; y0 += chunkRows) {
    const n = Math.min(chunkRows, bottom - y0);
    u16.set(data.subarray(y0 * width, (y0 + n) * width), rowsAt / 2);
    k.reduce(rowsAt, width, n, ceiling * 256, q, needQ, qf, needQf, SUMS_AT, sets.length, outAt);
    for (let s = 0; s < sets.length; s++) {
      const from = outAt / 8 + s * n * 64;
      outs[s]!.set(f64.subarray(from, from + n * 64), (y0 - top) * 64);
    }
  }
  if (buffer.byteLength > KEEP_BYTES) current = undefined;
  return true;
}

/**
 * blockOfJs (../pdq-views.ts) in the kernel: a view's 64x64 block from filtered rows (`reduced`,
 * 64 per row from plane row `top`) and its row taps, written into `into` (the same doubles), or
 * false when the kernel cannot run here.
 */
export function blockWasm(reduced: Float64Array, top: number, rows: ColumnTaps, into: Float64Array): boolean {
  const k = kernel();
  if (!k) return false;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (let i = 0; i < 64; i++) {
    if (rows.lengths[i]! === 0) continue;
    first = Math.min(first, rows.starts[i]!);
    last = Math.max(last, rows.starts[i]! + rows.lengths[i]!);
  }
  if (last === 0) first = top; // no taps: a block of zeros
  const blockAt = SUMS_AT;
  const startsAt = blockAt + 32768;
  const lengthsAt = startsAt + 256;
  const offsetsAt = lengthsAt + 256;
  const weightsAt = offsetsAt + 256;
  const reducedAt = weightsAt + Math.ceil((rows.weights.length * 8) / 16) * 16;
  const n = Math.max(0, last - first);
  if (!growMemory(k.memory, reducedAt + n * 512)) return false;
  const buffer = k.memory.buffer;
  const i32 = new Int32Array(buffer);
  const f64 = new Float64Array(buffer);
  i32.set(rows.starts, startsAt / 4);
  i32.set(rows.lengths, lengthsAt / 4);
  i32.set(rows.offsets, offsetsAt / 4);
  f64.set(rows.weights, weightsAt / 8);
  f64.set(reduced.subarray((first - top) * 64, (first - top + n) * 64), reducedAt / 8);
  k.block(reducedAt, first, startsAt, lengthsAt, offsetsAt, weightsAt, blockAt);
  into.set(f64.subarray(blockAt / 8, blockAt / 8 + 4096));
  if (buffer.byteLength > KEEP_BYTES) current = undefined;
  return true;
}

/**
 * greyImage (../pdq-views.ts) in the kernel: the plane shrunk by a whole factor as whole levels
 * (the same values), or undefined when the kernel cannot run here.
 */
export function greyWasm(
  plane: { readonly width: number; readonly height: number; readonly data: Uint16Array },
  factor: number,
  chunkBytes: number = REDUCE_CHUNK_BYTES,
): { width: number; height: number; channels: 1; data: Uint8Array } | undefined {
  const f = Math.max(1, factor);
  const { width: w, height: h, data } = plane;
  const width = Math.ceil(w / f);
  const height = Math.ceil(h / f);
  const k = kernel();
  if (!k || w * f > 1 << 28) return undefined;
  // Whole rows of blocks per copy, about `chunkBytes` of plane at a time (for tests: any size).
  const blockRows = Math.max(1, Math.floor(chunkBytes / (w * f * 2)));
  const outAt = SUMS_AT;
  const rowsAt = outAt + Math.ceil((width * height) / 16) * 16;
  if (!growMemory(k.memory, rowsAt + blockRows * f * w * 2)) return undefined;
  const buffer = k.memory.buffer;
  const u16 = new Uint16Array(buffer);
  for (let oy = 0; oy < height; oy += blockRows) {
    const y0 = oy * f;
    const y1 = Math.min(h, (oy + blockRows) * f);
    u16.set(data.subarray(y0 * w, y1 * w), rowsAt / 2);
    for (let by = y0; by < y1; by += f) {
      const n = Math.min(f, y1 - by);
      k.grey(rowsAt + (by - y0) * w * 2, w, n, f, width, outAt + (by / f) * width);
    }
  }
  const out = new Uint8Array(buffer, outAt, width * height).slice();
  if (buffer.byteLength > KEEP_BYTES) current = undefined;
  return { width, height, channels: 1, data: out };
}

let dctMatrix: Float64Array | undefined;

/**
 * blockDctJs (../pdq-views.ts) in the kernel: D x block x D^T for PDQ's 16 x 64 DCT matrix `dct`
 * (the same float32 values), or undefined when the kernel cannot run here.
 */
export function dctWasm(block: Float64Array, dct: Float32Array): Float32Array | undefined {
  const k = kernel();
  if (!k) return undefined;
  const blockAt = SUMS_AT;
  const dctAt = blockAt + 32768;
  const halfAt = dctAt + 8192;
  const outAt = halfAt + 8192;
  if (!growMemory(k.memory, outAt + 1024)) return undefined;
  const buffer = k.memory.buffer;
  const f64 = new Float64Array(buffer);
  dctMatrix ??= Float64Array.from(dct);
  f64.set(block.subarray(0, 4096), blockAt / 8);
  f64.set(dctMatrix, dctAt / 8);
  k.dct(blockAt, dctAt, halfAt, outAt);
  return new Float32Array(buffer, outAt, 256).slice();
}

/**
 * stepMapsJs (../frame.ts) in the kernel: the row and column prefix sums of where neighbouring
 * lines step by more than `tolerance` on some colour channel, written into `rowPrefix` and
 * `colPrefix` (the same counts), or false when the kernel cannot run here.
 */
export function stepMapsWasm(
  image: PixelImage,
  tolerance: number,
  rowPrefix: Int32Array,
  colPrefix: Int32Array,
): boolean {
  const k = kernel();
  if (!k) return false;
  const { width: w, height: h, channels: ch } = image;
  const cells = (w + 1) * (h + 1);
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const pixAt = SUMS_AT;
  const rowsAt = align(pixAt + w * h * ch);
  const colsAt = rowsAt + cells * 4;
  const countsAt = colsAt + cells * 4;
  if (!growMemory(k.memory, countsAt + w * 4)) return false;
  const buffer = k.memory.buffer;
  const data =
    image.data instanceof Uint8Array
      ? image.data
      : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  new Uint8Array(buffer).set(data.subarray(0, w * h * ch), pixAt);
  k.steps(pixAt, w, h, ch, ch >= 3 ? 1 : 0, tolerance, rowsAt, colsAt, countsAt);
  rowPrefix.set(new Int32Array(buffer, rowsAt, cells));
  colPrefix.set(new Int32Array(buffer, colsAt, cells));
  if (buffer.byteLength > KEEP_BYTES) current = undefined;
  return true;
}

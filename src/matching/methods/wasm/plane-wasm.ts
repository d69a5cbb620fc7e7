/**
 * The luma plane, its histogram and the frame-finding copy made by the WebAssembly kernel
 * (`plane.wat`), with the same integer arithmetic as the JS definition (`lumaPlaneAndCopyJs` in
 * ../pdq-views.ts), so every value is the same. It is the one pass over every pixel of an upload
 * the views need, and the kernel makes it several times faster than JS. One instance per thread,
 * created on first use; plain WebAssembly (no SIMD), so it runs wherever WebAssembly does. The
 * same module turns `derotate`'s grey copies ({@link turnGreyWasm}).
 */
import type { PixelImage } from '../../../core/pixels.js';
import { roundLevel } from '../../../core/raster.js';
import { lazyWasmModule } from '../../../core/wasm.js';
import { PLANE_WASM_BASE64 } from './plane-bytes.js';

const PAGE = 65536;
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
  const need = lumaAt + chunkRows * w * 2;
  const have = k.memory.buffer.byteLength;
  if (need > have) {
    try {
      k.memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return undefined;
    }
  }
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
  const out = new Uint8Array(width * height * colours);
  for (let y0 = 0; y0 < h; y0 += chunkRows) {
    const y1 = Math.min(h, y0 + chunkRows);
    memory.set(data.subarray(y0 * rowBytes, y1 * rowBytes), pixAt);
    for (let by = y0; by < y1; by += factor) {
      const rows = Math.min(factor, y1 - by);
      k.rows(pixAt + (by - y0) * rowBytes, lumaAt + (by - y0) * w * 2, w, rows, stride, colours, factor);
      // The row of blocks is complete: its pixels, as shrinkBy rounds them.
      const oy = by / factor;
      for (let ox = 0; ox < width; ox++) {
        const area = rows * (Math.min(w, (ox + 1) * factor) - ox * factor);
        for (let c = 0; c < colours; c++)
          out[(oy * width + ox) * colours + c] = roundLevel(sums[ox * colours + c]! / area);
      }
      sums.fill(0);
    }
    luma.set(new Uint16Array(buffer, lumaAt, (y1 - y0) * w), y0 * w);
  }
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
  const have = k.memory.buffer.byteLength;
  if (need > have) {
    try {
      k.memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return undefined;
    }
  }
  new Uint8Array(k.memory.buffer).set(image.data, src);
  k.turn(src, image.width, image.height, dst, width, height, Math.cos(rad), Math.sin(rad), fill);
  const data = new Uint8Array(k.memory.buffer, dst, width * height).slice();
  if (k.memory.buffer.byteLength > KEEP_BYTES) current = undefined;
  return { width, height, channels: 1, data };
}

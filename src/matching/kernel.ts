import { ImprintError } from '../core/errors.js';
import { lazyWasmModule } from '../core/wasm.js';
import { JsKernel } from './kernel-js.js';
import { KERNEL_WASM_BASE64 } from './wasm/kernel-bytes.js';

/** Which implementation runs the distance loops: `wasm` (fast), `js` (fallback), or `auto` (WASM when the host has it). */
export type KernelChoice = 'auto' | 'wasm' | 'js';

/**
 * The hot loops of matching, over one block of memory that holds the packed hashes and the MIH
 * tables (layout in `wasm/kernel.wat`). Two implementations with identical results: WebAssembly
 * and plain JS. Addresses are byte offsets into {@link Kernel.buffer}.
 */
export interface Kernel {
  readonly name: 'wasm' | 'js';
  /** The memory; a new object after {@link Kernel.reserve} grows it, so re-create views then. */
  readonly buffer: ArrayBuffer;
  /** Grows the memory to at least `bytes` bytes, keeping its contents. */
  reserve(bytes: number): void;
  /**
   * Where the hashes are (`packed`, `stride` bytes each) and, for MIH, the substring descriptors
   * (`subs` of them at `desc`: first bit, length, offsets address, postings address; u32 each).
   */
  configure(packed: number, stride: number, desc: number, subs: number): void;
  /** Flat scan of ids [start, end); returns the id to resume from, {@link Kernel.hits} tells how many hits were written. */
  scan(
    q: number,
    start: number,
    end: number,
    max: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number;
  /**
   * Flat scan of ids [start, end) against `nq` (1..8) queries stored one after another at `qs`,
   * reading each stored hash once. A hit's `outDist` word is `query << 16 | distance`. Stops
   * before an id whose hits might not fit under `cap` (at least `nq`); returns the id to resume
   * from.
   */
  scanMany(
    qs: number,
    nq: number,
    start: number,
    end: number,
    max: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number;
  /**
   * As {@link Kernel.scan}, keeping only ids that also differ from the query in at most `maskMax`
   * of the bits set in the mask at `mask` (packed as a hash is).
   */
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
  ): number;
  hits(): number;
  /**
   * MIH query over the tabled ids: probes each substring `s` within `radii[s]` flips (i32 at
   * `radii`; -1 skips it), reading bucket bounds into the `rangeCap` (start, end) u32 pairs at
   * `ranges`, then the candidates into the `candCap` u32 at `cand`, before checking them.
   * Returns the hit count, -1 when more than `cap`, -2 when more than `budget` candidates.
   */
  mih(
    q: number,
    max: number,
    radii: number,
    cand: number,
    candCap: number,
    ranges: number,
    rangeCap: number,
    budget: number,
    outIds: number,
    outDist: number,
    cap: number,
  ): number;
  /**
   * MIH query for a masked query over the tabled ids: probes, substring by substring, the u32
   * values at `probes` (`counts` holds each substring's count); keeps ids within `max` of the
   * query and within `maskMax` on the mask's bits, each once (through the first substring whose
   * masked bits are within its radius at `radii`: the caller lists every such value). Hit count,
   * or -1 when more than `cap`.
   */
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
  ): number;
}

const WASM_PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

/** The compiled kernel module, or null when this host cannot run WebAssembly. */
const wasmModule = lazyWasmModule(KERNEL_WASM_BASE64);

/**
 * True when the matching kernel's WebAssembly can run here (otherwise indexes scan with plain JS,
 * with the same results, slower).
 *
 * @example
 * ```ts
 * if (!matchWasmAvailable()) console.warn('matching runs without WebAssembly here: slower');
 * ```
 */
export function matchWasmAvailable(): boolean {
  return wasmModule() !== null;
}

/** The module's exports: the kernel functions themselves, over the module's memory. */
type WasmExports = Pick<
  Kernel,
  'configure' | 'scan' | 'scanMany' | 'scanMasked' | 'hits' | 'mih' | 'mihMasked'
>;

class WasmKernel implements Kernel {
  readonly name = 'wasm' as const;
  readonly #memory: WebAssembly.Memory;
  readonly #exports: WasmExports;

  constructor(module: WebAssembly.Module, bytes: number) {
    this.#memory = new WebAssembly.Memory({ initial: pagesFor(bytes), maximum: MAX_PAGES });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.#memory } });
    this.#exports = instance.exports as unknown as WasmExports;
  }

  get buffer(): ArrayBuffer {
    return this.#memory.buffer;
  }

  reserve(bytes: number): void {
    const have = this.#memory.buffer.byteLength / WASM_PAGE;
    const need = pagesFor(bytes);
    if (need > have) this.#memory.grow(need - have);
  }

  configure(...args: Parameters<Kernel['configure']>): void {
    this.#exports.configure(...args);
  }

  scan(...args: Parameters<Kernel['scan']>): number {
    return this.#exports.scan(...args) >>> 0;
  }

  scanMany(...args: Parameters<Kernel['scanMany']>): number {
    return this.#exports.scanMany(...args) >>> 0;
  }

  scanMasked(...args: Parameters<Kernel['scanMasked']>): number {
    return this.#exports.scanMasked(...args) >>> 0;
  }

  hits(): number {
    return this.#exports.hits();
  }

  mih(...args: Parameters<Kernel['mih']>): number {
    return this.#exports.mih(...args);
  }

  mihMasked(...args: Parameters<Kernel['mihMasked']>): number {
    return this.#exports.mihMasked(...args);
  }
}

function pagesFor(bytes: number): number {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  if (pages > MAX_PAGES) {
    throw new ImprintError(
      'ERR_INVALID_ARGUMENT',
      `The index needs ${bytes} bytes, more than the WebAssembly kernel's 4 GiB; use { kernel: 'js' }`,
    );
  }
  return pages;
}

/**
 * A kernel with at least `bytes` bytes of memory. `auto` picks WebAssembly when available;
 * `wasm` insists on it (ERR_INVALID_ARGUMENT when missing).
 */
export function createKernel(choice: KernelChoice, bytes: number): Kernel {
  if (choice === 'js') return new JsKernel(bytes);
  const module = wasmModule();
  if (module) return new WasmKernel(module, bytes);
  if (choice === 'wasm') {
    throw new ImprintError('ERR_INVALID_ARGUMENT', 'WebAssembly is not available here; use { kernel: "js" }');
  }
  return new JsKernel(bytes);
}

/**
 * The one loader of the library's WebAssembly kernels (PDQ's, matching's, the plane kernel): each
 * is shipped as base64 text in a generated `*-bytes.ts` file and compiled on first use.
 */

/** The bytes of base64 `text` (the kernels' embedded modules). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * A function that compiles the module in `base64` the first time it is called and then returns
 * it, or null for good when this host cannot compile it (no WebAssembly, or a feature it needs,
 * such as SIMD, is missing): the caller then takes its JS path.
 */
export function lazyWasmModule(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(decodeBase64(base64)) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65536;

/**
 * Grows `memory` to at least `bytes`; false when the host refuses (the caller then takes its JS
 * path rather than failing).
 */
export function growMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}

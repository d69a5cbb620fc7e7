/** Result of decoding one chunk: the text, and where invalid UTF-8 starts if there is any. */
export interface DecodedChunk {
  /** Text decoded up to the end of the chunk, or up to the first invalid byte. */
  readonly text: string;
  /** Absolute byte offset of the first invalid byte, when the chunk has one. */
  readonly invalidAt?: number;
}

/**
 * Strict UTF-8 decoding of a byte stream, chunk by chunk, that can say exactly where bad bytes
 * are. TextDecoder's own streaming mode cannot (after a fatal error its state is gone), so this
 * carries an incomplete trailing sequence to the next chunk itself and decodes each piece whole.
 */
export class Utf8ChunkDecoder {
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  #carry: Uint8Array = new Uint8Array(0);
  #offset = 0; // absolute offset of #carry[0]

  decode(chunk: Uint8Array): DecodedChunk {
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry, 0);
      bytes.set(chunk, this.#carry.length);
    }
    const cut = completePrefixLength(bytes);
    const start = this.#offset;
    // Copy the tail: the caller may reuse its buffer.
    this.#carry = bytes.slice(cut);
    this.#offset = start + cut;
    return this.#decodeWhole(bytes.subarray(0, cut), start);
  }

  /** Call after the last chunk: a sequence cut off by the end of input is invalid. */
  end(): DecodedChunk {
    if (this.#carry.length === 0) return { text: '' };
    const at = this.#offset;
    this.#carry = new Uint8Array(0);
    return { text: '', invalidAt: at };
  }

  #decodeWhole(bytes: Uint8Array, start: number): DecodedChunk {
    try {
      return { text: this.#decoder.decode(bytes) };
    } catch {
      const bad = firstInvalidUtf8(bytes);
      // The validator and TextDecoder agree on what is invalid; 0 is a safe fallback all the same.
      const valid = Math.max(bad, 0);
      return { text: this.#decoder.decode(bytes.subarray(0, valid)), invalidAt: start + valid };
    }
  }
}

/** Length of `bytes` without a trailing multi-byte sequence that is still incomplete. */
function completePrefixLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return n - i < need ? i : n;
    }
    return n; // ASCII
  }
  return n;
}

/** Index of the first byte that starts invalid UTF-8 (WHATWG rules), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated sequence
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

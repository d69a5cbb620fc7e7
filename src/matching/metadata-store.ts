import { ImprintError } from '../core/errors.js';

/** Marks an id whose metadata was removed (so a loaded blob entry is not used). */
const NONE: unique symbol = Symbol('none');

/** Several metadata values for one id (one value is stored bare, which saves an array per entry). */
class Several<M> {
  constructor(readonly list: M[]) {}
}

/** Metadata as stored in an index file: entry `id` is the UTF-8 JSON array `bytes[offsets[id] .. offsets[id + 1])`, empty for none. */
export interface EncodedMetadata {
  readonly offsets: Uint32Array;
  readonly bytes: Uint8Array;
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * The metadata of every entry of an index, by id. Entries read from a file stay encoded until
 * asked for, so loading a large index does not parse millions of JSON values.
 */
export class MetadataStore<M> {
  #values: unknown[] = []; // per id: undefined (see #loaded), NONE, a bare M, or Several<M>
  #loaded: EncodedMetadata | undefined;
  #decoder: TextDecoder | undefined;

  constructor(loaded?: EncodedMetadata) {
    this.#loaded = loaded;
  }

  /** Every metadata value of `id`, in the order added. */
  get(id: number): readonly M[] {
    const v = this.#values[id];
    if (v === undefined) return this.#decode(id);
    if (v === NONE) return EMPTY;
    return v instanceof Several ? v.list : [v as M];
  }

  add(id: number, value: M): void {
    const v = this.#values[id];
    if (v === undefined) {
      const loaded = this.#decode(id);
      this.#values[id] = loaded.length === 0 ? value : new Several([...loaded, value]);
    } else if (v === NONE) this.#values[id] = value;
    else if (v instanceof Several) v.list.push(value);
    else this.#values[id] = new Several([v as M, value]);
  }

  clear(id: number): void {
    if (this.#values[id] !== undefined || (this.#loaded && id < this.#loaded.offsets.length - 1)) {
      this.#values[id] = NONE;
    }
  }

  #decode(id: number): readonly M[] {
    const loaded = this.#loaded;
    if (!loaded || id + 1 >= loaded.offsets.length) return EMPTY;
    const start = loaded.offsets[id]!;
    const end = loaded.offsets[id + 1]!;
    if (start === end) return EMPTY;
    this.#decoder ??= new TextDecoder('utf-8', { fatal: true });
    return parseEntry(this.#decoder, loaded.bytes.subarray(start, end), id) as M[];
  }

  /** Parses every stored entry (for a full verification of a loaded file). */
  verifyAll(count: number): void {
    for (let id = 0; id < count; id++) this.get(id);
  }

  /** Encodes ids [0, count) for an index file; entries read from a file and not changed are copied as they are. */
  encode(count: number, alive: Uint8Array): EncodedMetadata {
    const offsets = new Uint32Array(count + 1);
    const encoder = new TextEncoder();
    let bytes = new Uint8Array(1024);
    let used = 0;
    const append = (chunk: Uint8Array): void => {
      if (used + chunk.length > bytes.length) {
        const need = used + chunk.length;
        if (need > 0xffffffff) {
          throw new ImprintError('ERR_INVALID_ARGUMENT', 'The metadata of this index exceeds 4 GiB of JSON');
        }
        const next = new Uint8Array(Math.min(0xffffffff, Math.max(need, bytes.length * 2)));
        next.set(bytes.subarray(0, used));
        bytes = next;
      }
      bytes.set(chunk, used);
      used += chunk.length;
    };
    for (let id = 0; id < count; id++) {
      offsets[id] = used;
      if (!alive[id]) continue;
      const v = this.#values[id];
      if (v === undefined) {
        const loaded = this.#loaded;
        if (loaded && id + 1 < loaded.offsets.length) {
          append(loaded.bytes.subarray(loaded.offsets[id]!, loaded.offsets[id + 1]!));
        }
        continue;
      }
      if (v === NONE) continue;
      const list = v instanceof Several ? v.list : [v];
      let json: string | undefined;
      try {
        json = JSON.stringify(list);
      } catch (err) {
        throw new ImprintError(
          'ERR_INVALID_ARGUMENT',
          `The metadata of entry ${id} cannot be saved as JSON`,
          {
            cause: err,
          },
        );
      }
      if (json === undefined) {
        throw new ImprintError('ERR_INVALID_ARGUMENT', `The metadata of entry ${id} cannot be saved as JSON`);
      }
      append(encoder.encode(json));
    }
    offsets[count] = used;
    return { offsets, bytes: bytes.slice(0, used) };
  }
}

function parseEntry(decoder: TextDecoder, bytes: Uint8Array, id: number): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new ImprintError('ERR_INDEX_CORRUPT', `The metadata of entry ${id} is not valid JSON`, {
      cause: err,
    });
  }
  if (!Array.isArray(value)) {
    throw new ImprintError('ERR_INDEX_CORRUPT', `The metadata of entry ${id} is not a JSON array`);
  }
  return value;
}

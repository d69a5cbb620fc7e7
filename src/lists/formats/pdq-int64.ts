/**
 * `pdq-int64`: `pdq-photo-hasher --int64` lines, `w0,w1,w2,w3,quality,path`, as ThreatExchange's
 * `pdq/sql/README.md` shows them for its MySQL examples: the 256 bits as four signed (two's
 * complement) 64-bit decimal words, most significant first. `w0` holds the first 16 hex digits of
 * the usual hex form, as in the Java port's `HashInt64` (`pdq/java/.../types/HashInt64.java`,
 * built from the hash's top 16-bit slot down). Checked on the README's own lines: its words for
 * `bridge-1-original.jpg`, `q1050.jpg`, `c.png`... are our reference hex hashes, word for word.
 * Any algorithm whose bit length is a multiple of 64 reads and writes this way.
 */
import { invalidArgument } from '../../core/errors.js';
import type { ListFormat, ReadContext } from '../format.js';
import { countLines, eachLine, pathOf } from './lines.js';

const WORD = /^-?[0-9]{1,20}$/;
const QUALITY = /^(?:[0-9]{1,3})?$/;
const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

function wordsOf(ctx: ReadContext): number {
  return ctx.bits % 64 === 0 ? ctx.bits / 64 : 0;
}

interface Parsed {
  hex?: string;
  quality: string;
  path: string;
  error?: string;
}

/** Splits and converts one line; `undefined` when it is not of this shape at all. */
function parse(line: string, words: number): Parsed | undefined {
  if (words === 0) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= words; i++) {
    const comma = line.indexOf(',', start);
    if (comma < 0) return undefined;
    parts.push(line.slice(start, comma).trim());
    start = comma + 1;
  }
  const quality = parts.pop()!;
  if (!parts.every((w) => WORD.test(w)) || !QUALITY.test(quality)) return undefined;
  const path = line.slice(start);
  let hex = '';
  for (const w of parts) {
    const value = BigInt(w);
    if (value < MIN || value > MAX) return { quality, path, error: `"${w}" is not a signed 64-bit integer` };
    hex += BigInt.asUintN(64, value).toString(16).padStart(16, '0');
  }
  return { hex, quality, path };
}

/** The words of a hash, as signed 64-bit decimal numbers, most significant first. */
export function int64Words(bytes: Uint8Array): string[] {
  const words: string[] = [];
  for (let i = 0; i < bytes.length; i += 8) {
    let value = 0n;
    for (let j = i; j < i + 8; j++) value = (value << 8n) | BigInt(bytes[j]!);
    words.push(BigInt.asIntN(64, value).toString());
  }
  return words;
}

export const pdqInt64Format: ListFormat = {
  name: 'pdq-int64',
  summary: '`w0,w1,w2,w3,quality,path`: `pdq-photo-hasher --int64` (signed 64-bit words)',
  writes: 'pdq-int64',

  detect(sample, ctx) {
    const words = wordsOf(ctx);
    return countLines(sample, (line) => parse(line, words)?.hex !== undefined);
  },

  open(ctx, sink) {
    const words = wordsOf(ctx);
    return eachLine((line, lineNo) => {
      const p = parse(line, words);
      if (p?.hex === undefined) {
        sink.problem(
          'ERR_HASH_LIST_SYNTAX',
          words === 0
            ? `A ${ctx.bits}-bit ${ctx.algorithm} hash does not split into 64-bit words`
            : `Expected ${words} signed 64-bit integers, the quality and the path, comma-separated` +
                (p?.error ? ` (${p.error})` : ''),
          lineNo,
        );
        return;
      }
      sink.entry(
        { hex: p.hex, quality: p.quality === '' ? undefined : Number(p.quality), metadata: p.path },
        lineNo,
      );
    });
  },

  writer() {
    return {
      write: ({ hash, metadata }) => {
        if (hash.bits % 64 !== 0) {
          throw invalidArgument(
            'hashes whose bit length is a multiple of 64',
            'pdq-int64 list',
            hash.algorithm,
          );
        }
        const words = int64Words(hash.bytes).join(',');
        return `${words},${hash.quality ?? ''},${pathOf(metadata, 'pdq-int64')}\n`;
      },
      end: () => '',
    };
  },
};

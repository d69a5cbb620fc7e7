import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listAlgorithms, registerAlgorithm } from '../../src/algorithms/registry.js';
import { hashToHex } from '../../src/core/hash.js';
import type { HashListEntry } from '../../src/lists/types.js';

export const FIXTURES: string = join(import.meta.dirname, '..', '..', 'fixtures');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function fixtureText(...parts: string[]): string {
  return readFileSync(fixture(...parts), 'utf8');
}

/**
 * PDQ hashes by image path, from the C++ reference's output (`hash,quality,path` per line), split
 * here by hand so that expected values never come from the code under test.
 */
export function referencePdq(): Map<string, { hash: string; quality: number }> {
  const out = new Map<string, { hash: string; quality: number }>();
  for (const line of fixtureText('pdq', 'expected', 'cpp-fullres.csv').split('\n')) {
    if (line === '') continue;
    const [hash, quality, path] = line.split(',');
    out.set(path!, { hash: hash!, quality: Number(quality) });
  }
  return out;
}

/** MD5 of fixtures/pdq/vpdq/test-padded-dimensions.mp4 (`md5sum`), used in the StopNCII/HMA samples. */
export const VIDEO_MD5 = '749476eb0cd128289f0dec3e062da83c';

/**
 * Hash lists only use an algorithm's name and bit length. When another part of imprint has not
 * registered one of these yet, register a stand-in with that name and length so list tests can
 * read md5/phash/blockhash lists; it hashes nothing.
 */
export function ensureListAlgorithm(name: string, bits: number): void {
  const found = listAlgorithms().find((a) => a.name === name);
  if (found) {
    if (found.bits !== bits)
      throw new Error(`${name} is registered with ${found.bits} bits, tests expect ${bits}`);
    return;
  }
  registerAlgorithm({
    name,
    bits,
    defaultThreshold: 0,
    kind: 'exact',
    description: `test stand-in for ${name}: hash-list tests read only the name and bit length`,
  });
}

/** Entries as plain comparable data. */
export function plainEntries(
  entries: readonly HashListEntry[],
): { hex: string; metadata: unknown; line: number }[] {
  return entries.map((e) => ({ hex: hashToHex(e.hash), metadata: e.metadata, line: e.line }));
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, clamped) into chunks. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  chunks.push(bytes.subarray(prev));
  return chunks;
}

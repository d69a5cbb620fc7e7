/**
 * The originals of an evaluation: every image under a directory (sorted, so runs compare),
 * optionally an evenly spread subset, decoded once.
 */
import { relative } from 'node:path';
import type { ImprintError } from '../core/errors.js';
import { toImprintError } from '../core/errors.js';
import { walkImageFiles } from '../node/image-files.js';
import { type DecodedImage, decodeImage } from '../sharp/decode.js';

/** An original that decoded. */
export interface Original {
  /** Path relative to the corpus directory (stable name in reports). */
  readonly name: string;
  readonly image: DecodedImage;
}

/** Image files under `dir`, depth first, sorted by name (symbolic links followed, loops not). */
export async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const path of walkImageFiles(dir, process.cwd())) out.push(path);
  return out;
}

/** `count` items spread evenly over `items` (all of them when count >= length). Deterministic. */
export function evenSubset<T>(items: readonly T[], count: number | undefined): T[] {
  if (count === undefined || count >= items.length) return [...items];
  return Array.from({ length: count }, (_, k) => items[Math.floor((k * items.length) / count)]!);
}

/** Decodes the originals; files that fail are returned separately with their error. */
export async function loadOriginals(
  dir: string,
  paths: readonly string[],
): Promise<{ originals: Original[]; failed: { name: string; error: ImprintError }[] }> {
  const originals: Original[] = [];
  const failed: { name: string; error: ImprintError }[] = [];
  for (const p of paths) {
    const name = relative(dir, p);
    try {
      originals.push({ name, image: await decodeImage(p) });
    } catch (err) {
      failed.push({ name, error: toImprintError(err) });
    }
  }
  return { originals, failed };
}

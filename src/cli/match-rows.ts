/**
 * How the CLI prints a match as text: one tab-separated row per match, the upload's path first,
 * shared by `imprint match` (images) and `imprint video match`.
 */
import { hashToHex } from '../core/hash.js';
import type { ImageMatch } from '../sharp/match-image.js';
import type { VideoIndexMatch } from '../video/video-index.js';

/** Fields joined by tabs (the caller keeps tabs out of them). */
function row(fields: readonly (string | number)[]): string {
  return fields.join('\t');
}

/** Metadata as one text field: strings as they are, anything else as JSON, several joined by " | ". */
export function metadataText(metadata: readonly unknown[]): string {
  return metadata
    .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
    .join(' | ')
    .replace(/[\t\n\r]/g, ' ');
}

/** `path, distance, known hash, metadata` (and, with `withColumns`, the query and known views). */
export function imageMatchRow(path: string, m: ImageMatch<unknown>, withColumns: boolean): string {
  const fields = [path, m.distance, hashToHex(m.hash), metadataText(m.metadata)];
  if (withColumns) fields.push(m.query!, m.known!);
  return row(fields);
}

/** `path, query match %, compared match %, known video`. */
export function videoMatchRow(path: string, m: VideoIndexMatch<unknown>): string {
  return row([path, m.queryMatchPercent.toFixed(2), m.comparedMatchPercent.toFixed(2), `${m.metadata}`]);
}

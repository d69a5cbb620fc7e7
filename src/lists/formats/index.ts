/**
 * Every hash-list format, in the order detection tries them: formats that claim a list from its
 * first line come first (in this order), then, among those that read the most lines of a sample,
 * the earliest here wins. A new format is a file in this folder and one line in this array.
 */
import type { ListFormat } from '../format.js';
import type { HashListFormat, HashListWriteFormat } from '../types.js';
import { csvFormat } from './csv.js';
import { hashMetadataFormat } from './hash-metadata.js';
import { hmaFormat } from './hma.js';
import { jsonFormat } from './json.js';
import { ncmecXmlFormat } from './ncmec-xml.js';
import { ndjsonFormat } from './ndjson.js';
import { pdqInt64Format } from './pdq-int64.js';
import { pdqPhotoHasherFormat } from './pdq-photo-hasher.js';
import { plainFormat } from './plain.js';
import { stopnciiFormat } from './stopncii.js';
import { threatexchangeFormat } from './threatexchange.js';
import { vpdqFormat } from './vpdq.js';

export const LIST_FORMATS: readonly ListFormat[] = [
  // Claimed by their first line.
  ncmecXmlFormat,
  ndjsonFormat,
  jsonFormat,
  // Detected from a sample of lines.
  csvFormat,
  pdqPhotoHasherFormat,
  pdqInt64Format,
  vpdqFormat,
  plainFormat,
  hashMetadataFormat,
  threatexchangeFormat,
  // Chosen by name only.
  stopnciiFormat,
  hmaFormat,
];

/** The format of that name, or `undefined`. */
export function listFormat(name: string): ListFormat | undefined {
  return LIST_FORMATS.find((f) => f.name === name);
}

/** Names of the formats the reader takes (`format` option, `--format`). */
export const READ_FORMATS: readonly HashListFormat[] = LIST_FORMATS.map((f) => f.name);

/** Names of the formats the writer produces. */
export const WRITE_FORMATS: readonly HashListWriteFormat[] = LIST_FORMATS.flatMap((f) =>
  f.writes === undefined ? [] : [f.writes],
);

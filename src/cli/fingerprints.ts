/**
 * Fingerprint records on the command line: `imprint hash --method <m>` writes them (one NDJSON
 * record per image), `imprint index build --list` and `imprint match --list` read them into an
 * index with the derived hashes the method stores, as `index build --images` would have.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { ImprintError } from '../core/errors.js';
import {
  formatFingerprintRecord,
  isFingerprintRecordLine,
  newFingerprintStats,
  readFingerprintRecords,
} from '../lists/fingerprint-records.js';
import { FINGERPRINT_READING, fingerprintEntries, fingerprintOf } from '../matching/methods/fingerprint.js';
import type { MatchMethod } from '../matching/methods/types.js';
import type { HashIndex } from '../matching/types.js';
import { mapFiles } from '../sharp/batch.js';
import { decodeImage, type SixteenBitRule } from '../sharp/decode.js';
import type { BatchReport } from './batch-report.js';
import type { CliIo } from './command.js';
import { writeLine } from './output.js';

/** How much of a list is read to tell whether it holds fingerprint records. */
const SNIFF_BYTES = 65536;

/**
 * True when the list's first line that is not blank or a `#` comment is a fingerprint record.
 * A file that cannot be read is left to the list reader, which reports it with its code.
 */
export async function isFingerprintFile(path: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const first = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    return first !== undefined && isFingerprintRecordLine(first);
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** What {@link addFingerprintFile} read. */
export interface FingerprintFileSummary {
  readonly records: number;
  readonly hashes: number;
  readonly skipped: number;
  readonly method: string;
  readonly derivation: number;
}

/**
 * Adds every record of a fingerprint list to `index`: each record's plain hash with the record's
 * metadata (or `{ line }` when it has none), and its derived hashes. A list without a single
 * record is ERR_LIST_EMPTY; records of another derivation version are ERR_INDEX_DERIVATION.
 */
export async function addFingerprintFile(
  index: HashIndex<unknown>,
  path: string,
  io: CliIo,
  options: { lenient: boolean; command: string },
): Promise<FingerprintFileSummary> {
  const stats = newFingerprintStats();
  let hashes = 0;
  const records = readFingerprintRecords(
    createReadStream(path),
    {
      ...FINGERPRINT_READING,
      source: path,
      lenient: options.lenient,
      signal: io.signal,
      onProblem: (err) => io.stderr.write(`imprint ${options.command}: skipped ${err.message}\n`),
    },
    stats,
  );
  try {
    for await (const { record, line } of records) {
      const metadata = Object.keys(record.metadata).length > 0 ? record.metadata : { line };
      const entries = fingerprintEntries(record, metadata);
      index.addAll(entries);
      hashes += entries.length;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (!(err instanceof ImprintError) && typeof code === 'string') {
      throw new ImprintError('ERR_FILE_UNREADABLE', `Cannot read the list (${code})`, {
        cause: err,
        location: { source: path },
      });
    }
    throw err;
  }
  if (stats.records === 0 || stats.method === undefined || stats.derivation === undefined) {
    throw new ImprintError(
      'ERR_LIST_EMPTY',
      `The fingerprint list holds no usable record (${stats.lines} lines, ${stats.skipped} skipped)`,
      { location: { source: path } },
    );
  }
  return {
    records: stats.records,
    hashes,
    skipped: stats.skipped,
    method: stats.method,
    derivation: stats.derivation,
  };
}

/** What `imprint hash --method` needs from the hash command (its -o and --resume handling). */
export interface FingerprintOutput {
  readonly out: Writable;
  /** Paths to hash, already without those a resumed run did. */
  readonly paths: AsyncIterable<string>;
  readonly batch: BatchReport;
}

/**
 * Writes one fingerprint record per image (`{"fingerprint":1,"method",...,"path"}`), in input
 * order; files that fail are reported on stderr and the others still print. Returns whether some
 * input failed.
 */
export async function writeFingerprints(
  method: MatchMethod,
  output: FingerprintOutput,
  options: { autoOrient: boolean; maxPixels: number; sixteenBit: SixteenBitRule; concurrency?: number },
  io: CliIo,
): Promise<void> {
  const { batch } = output;
  const record = async (path: string) => {
    const image = await decodeImage(resolve(io.cwd, path), {
      autoOrient: options.autoOrient,
      maxPixels: options.maxPixels,
      sixteenBit: options.sixteenBit,
      signal: io.signal,
    });
    return formatFingerprintRecord(fingerprintOf(method, image, { path }));
  };
  const mapping = {
    signal: io.signal,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  };
  for await (const r of mapFiles(output.paths, record, mapping)) {
    if (r.ok) await writeLine(output.out, r.value);
    else batch.failFile(r.path, r.error);
    batch.finished();
  }
}

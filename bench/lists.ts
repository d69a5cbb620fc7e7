/**
 * How fast hash lists are read, per format, against a floor measured in the same run: the same
 * file read in the same chunks with only its line breaks counted. Each format's file holds the
 * same N random PDQ hashes; the reader's answer is checked (N entries, 0 skipped). Also prints
 * the largest resident-memory growth seen while reading, to show that a list is streamed.
 * Not part of `npm test`.
 *
 *   npm run bench:lists -- [--lines 1e6] [--rounds 3] [--summary-json <file>]
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeRandomUint32 } from '../src/eval/random.js';
import { readHashListFile } from '../src/node/hash-list-file.js';
import { type Figure, figure, sizeKey, writeSummary } from './summary.js';

type Format = { id: string; name: string; header?: string; line: (hex: string, i: number) => string };

const FORMATS: Format[] = [
  { id: 'plain', name: 'plain (one hash a line)', line: (hex) => hex },
  { id: 'csv', name: 'csv (hash,metadata)', header: 'hash,metadata', line: (hex, i) => `${hex},item-${i}` },
  {
    id: 'threatexchange',
    name: 'threatexchange (tags with commas)',
    line: (hex) => `pdq ${hex} 'StopNCII' POSITIVE_CLASS Nude,Objectionable`,
  },
  { id: 'pdq-photo-hasher', name: 'pdq-photo-hasher', line: (hex, i) => `${hex},100,photos/${i}.jpg` },
];

function writeList(path: string, format: Format, lines: number): void {
  const random = makeRandomUint32(11);
  const out: string[] = format.header === undefined ? [] : [format.header];
  for (let i = 0; i < lines; i++) {
    let hex = '';
    for (let b = 0; b < 32; b++) hex += (random() & 0xff).toString(16).padStart(2, '0');
    out.push(format.line(hex, i));
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}

async function floor(path: string): Promise<number> {
  let breaks = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(10);
    while (at !== -1) {
      breaks++;
      at = chunk.indexOf(10, at + 1);
    }
  }
  return breaks;
}

async function read(path: string): Promise<{ entries: number; skipped: number; rssGrowth: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  let entries = 0;
  const reader = readHashListFile(path);
  for await (const batch of reader.batches()) {
    entries += batch.length;
    if ((entries & 0xffff) < batch.length) peak = Math.max(peak, process.memoryUsage.rss());
  }
  return { entries, skipped: reader.stats.skipped, rssGrowth: peak - base };
}

async function time<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      lines: { type: 'string', default: '1e6' },
      rounds: { type: 'string', default: '3' },
      'summary-json': { type: 'string' },
    },
  });
  const lines = Number(values.lines);
  const rounds = Number(values.rounds);
  const dir = mkdtempSync(join(tmpdir(), 'imprint-bench-lists-'));
  const figures: Figure[] = [];
  try {
    console.log(`${lines.toLocaleString('en')} random PDQ hashes per list, best of ${rounds} rounds`);
    console.log('format                              floor Ml/s   read Ml/s   read/floor   max RSS growth');
    for (const format of FORMATS) {
      const path = join(dir, 'list.txt');
      writeList(path, format, lines);
      let best = { floor: Number.POSITIVE_INFINITY, read: Number.POSITIVE_INFINITY, rss: 0 };
      for (let round = 0; round < rounds; round++) {
        // Interleaved, so both see the same machine load.
        const f = await time(() => floor(path));
        const r = await time(() => read(path));
        if (r.value.entries !== lines || r.value.skipped !== 0)
          throw new Error(`${format.name}: read ${r.value.entries} entries, skipped ${r.value.skipped}`);
        best = {
          floor: Math.min(best.floor, f.ms),
          read: Math.min(best.read, r.ms),
          rss: Math.max(best.rss, r.value.rssGrowth),
        };
      }
      const rate = (ms: number) => (lines / ms / 1000).toFixed(2);
      figures.push(
        figure(
          `lists.${format.id}`,
          `read a ${format.id} list of ${sizeKey(lines)} PDQ hashes, million lines/s`,
          lines / best.read / 1000,
          'Ml/s',
          { label: 'the same file read, line breaks counted', value: lines / best.floor / 1000 },
          `max RSS growth ${(best.rss / 2 ** 20).toFixed(0)} MB`,
        ),
      );
      console.log(
        `${format.name.padEnd(36)}${rate(best.floor).padStart(10)}${rate(best.read).padStart(12)}` +
          `${(best.read / best.floor).toFixed(1).padStart(12)}x${`${(best.rss / 2 ** 20).toFixed(0)} MB`.padStart(16)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeSummary(values['summary-json'], 'lists', argv, figures);
}

await main(process.argv.slice(2));

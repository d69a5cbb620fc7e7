import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashFromHex, hashToHex } from '../../src/core/hash.js';
import { parseHashList } from '../../src/lists/read.js';
import { formatHashList, type HashListWriteEntry } from '../../src/lists/write.js';
import { readHashListFile, writeHashListFile } from '../../src/node/hash-list-file.js';
import { fixture, referencePdq } from './helpers.js';

const PDQ = referencePdq();
const A = PDQ.get('images/bridge-mods/aaa-orig.jpg')!.hash;
const B = PDQ.get('images/misc/wee.jpg')!.hash;
const entry = (hex: string, metadata?: unknown): HashListWriteEntry => ({
  hash: hashFromHex('pdq', 256, hex),
  metadata,
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imprint-lists-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function thrownAsync(promise: Promise<unknown>): Promise<ImprintError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ImprintError) return err;
    throw err;
  }
  throw new Error('expected an ImprintError');
}

describe('readHashListFile', () => {
  it('streams a file and names it in errors', async () => {
    const path = fixture('pdq', 'expected', 'upstream-wasm-PDQMD5TestData.csv');
    const error = await thrownAsync(readHashListFile(path).toArray());
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location).toEqual({ source: path, line: 18 });
    const list = readHashListFile(path, { lenient: true, source: 'wasm.csv' });
    expect(await list.toArray()).toHaveLength(16);
    expect(list.problems[0]!.location).toEqual({ source: 'wasm.csv', line: 18 });
  });

  it('reads a file larger than one chunk the same as from a string', async () => {
    const path = join(dir, 'big.txt');
    const lines = Array.from({ length: 2000 }, (_, i) => `${i % 3 ? A : B},case-${i} caf\u00e9`);
    writeFileSync(path, `${lines.join('\r\n')}\r\n`);
    const list = readHashListFile(path);
    const entries = await list.toArray();
    expect(entries).toEqual(parseHashList(readFileSync(path, 'utf8')).entries);
    expect(list.stats).toMatchObject({ format: 'hash-metadata', entries: 2000, lines: 2000 });
  });

  it('a missing file or a directory is ERR_FILE_UNREADABLE naming the path', async () => {
    for (const path of [join(dir, 'missing.txt'), dir]) {
      const error = await thrownAsync(readHashListFile(path).toArray());
      expect(error.code).toBe('ERR_FILE_UNREADABLE');
      expect(error.location).toEqual({ source: path });
    }
  });

  it('an empty file is ERR_LIST_EMPTY naming the file (never an empty list)', async () => {
    const path = join(dir, 'empty.txt');
    writeFileSync(path, '');
    const list = readHashListFile(path);
    const error = await thrownAsync(list.toArray());
    expect(error.code).toBe('ERR_LIST_EMPTY');
    expect(error.location).toEqual({ source: path });
    expect(list.stats).toMatchObject({ entries: 0, lines: 0, format: undefined });
  });
});

describe('writeHashListFile', () => {
  it('writes what formatHashList gives, and leaves no temporary file', async () => {
    const path = join(dir, 'known.csv');
    const entries = [entry(A, { case: '1, a' }), entry(B, { case: '2\n"b"' })];
    const result = await writeHashListFile(path, entries, { format: 'csv' });
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(formatHashList(entries, { format: 'csv' }));
    expect(result).toEqual({ entries: 2, bytes: Buffer.byteLength(text) });
    expect(readdirSync(dir)).toEqual(['known.csv']);
  });

  it('copies a list from one file to another, streaming (async source)', async () => {
    const target = join(dir, 'stopncii.ndjson');
    const source = readHashListFile(fixture('lists', 'stopncii-fetchhashes.json'), {
      otherAlgorithms: 'skip',
    });
    await writeHashListFile(target, source, { format: 'ndjson' });
    const back = await readHashListFile(target).toArray();
    expect(back.map((e) => hashToHex(e.hash))).toEqual([
      A,
      PDQ.get('images/bridge-mods/blur-a-little.jpg')!.hash,
      PDQ.get('images/misc/c.png')!.hash,
    ]);
    expect(back[0]!.metadata).toMatchObject({ signalType: 'ImagePDQ', hashStatus: 'Received' });
  });

  it('writes large lists in batches', async () => {
    const path = join(dir, 'many.txt');
    function* many() {
      for (let i = 0; i < 20_000; i++) yield entry(i % 2 ? A : B, `n=${i}`);
    }
    const result = await writeHashListFile(path, many(), { format: 'hash-metadata' });
    expect(result.entries).toBe(20_000);
    const list = readHashListFile(path);
    let n = 0;
    for await (const batch of list.batches()) n += batch.length;
    expect(n).toBe(20_000);
  });

  it('on a bad entry midway, the old file is untouched and the temporary file removed', async () => {
    const path = join(dir, 'known.txt');
    writeFileSync(path, 'old contents\n');
    function* entries() {
      for (let i = 0; i < 10_000; i++) yield entry(A, `n=${i}`);
      yield entry(B, 'line\nbreak');
    }
    const error = await thrownAsync(writeHashListFile(path, entries(), { format: 'hash-metadata' }));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(readFileSync(path, 'utf8')).toBe('old contents\n');
    expect(readdirSync(dir)).toEqual(['known.txt']);
  });

  it('when the source fails midway (a broken list being copied), nothing is replaced', async () => {
    const path = join(dir, 'copy.txt');
    writeFileSync(path, 'old\n');
    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, `${A}\n${B}\nnot a hash\n`);
    const error = await thrownAsync(writeHashListFile(path, readHashListFile(broken), { format: 'plain' }));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location).toEqual({ source: broken, line: 3 });
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).sort()).toEqual(['broken.txt', 'copy.txt']);
  });

  it('aborts with ERR_ABORTED, leaving the target as it was', async () => {
    const path = join(dir, 'known.txt');
    const controller = new AbortController();
    async function* slow() {
      yield entry(A);
      controller.abort();
      yield entry(B);
    }
    const error = await thrownAsync(
      writeHashListFile(path, slow(), { format: 'plain', signal: controller.signal }),
    );
    expect(error.code).toBe('ERR_ABORTED');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing directory is ERR_FILE_UNWRITABLE naming the path', async () => {
    const path = join(dir, 'no', 'such', 'dir.txt');
    const error = await thrownAsync(writeHashListFile(path, [entry(A)], { format: 'plain' }));
    expect(error.code).toBe('ERR_FILE_UNWRITABLE');
    expect(error.location).toEqual({ source: path });
  });

  it('refuses to write over a directory, leaving it and no temporary file', async () => {
    const path = join(dir, 'sub');
    mkdirSync(path);
    const error = await thrownAsync(writeHashListFile(path, [entry(A)], { format: 'plain' }));
    expect(error.code).toBe('ERR_FILE_UNWRITABLE');
    expect(readdirSync(dir)).toEqual(['sub']);
  });
});

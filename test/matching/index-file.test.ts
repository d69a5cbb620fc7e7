import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFromHex } from '../../src/core/hash.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { loadIndex, saveIndex } from '../../src/node/index-file.js';
import { fixtureLines } from '../helpers.js';

function haystackIndex(): MihIndex<number> {
  const index = new MihIndex<number>({ mergeThreshold: 0 });
  const lines = fixtureLines('pdq', 'matching', 'haystack.txt');
  index.addAll(lines.map((hex, i) => ({ hash: hashFromHex('pdq', 256, hex), metadata: i + 1 })));
  return index;
}

describe('saveIndex / loadIndex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-index-'));

  it('round-trips through a file and leaves no temporary file', async () => {
    const index = haystackIndex();
    const path = join(dir, 'haystack.idx');
    const { bytes } = await saveIndex(index, path);
    expect(readFileSync(path).length).toBe(bytes);
    expect(readdirSync(dir)).toEqual(['haystack.idx']);
    const loaded = await loadIndex<number>(path);
    expect(loaded).toBeInstanceOf(MihIndex);
    expect(loaded.size).toBe(index.size);
    for (const needle of fixtureLines('pdq', 'matching', 'needles.txt').slice(0, 20)) {
      const q = hashFromHex('pdq', 256, needle);
      expect(loaded.query(q)).toEqual(index.query(q));
    }
  });

  it('replaces an existing file atomically', async () => {
    const path = join(dir, 'replace.idx');
    writeFileSync(path, 'old contents');
    const index = new FlatIndex<string>();
    index.add(hashFromHex('pdq', 256, 'f'.repeat(64)), 'x');
    await saveIndex(index, path);
    expect((await loadIndex<string>(path)).metadataOf(0)).toEqual(['x']);
  });

  it('refuses changes while saving', async () => {
    const index = haystackIndex();
    const saving = saveIndex(index, join(dir, 'busy.idx'));
    expect(() => index.add(hashFromHex('pdq', 256, '0'.repeat(64)))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    await saving;
    expect(index.add(hashFromHex('pdq', 256, '0'.repeat(64)))).toBeGreaterThan(0);
  });

  it('a failed write is ERR_FILE_UNWRITABLE and leaves nothing behind', async () => {
    const index = haystackIndex();
    await expect(saveIndex(index, join(dir, 'no-such-dir', 'x.idx'))).rejects.toMatchObject({
      code: 'ERR_FILE_UNWRITABLE',
    });
    const aborted = new AbortController();
    aborted.abort();
    const path = join(dir, 'aborted.idx');
    await expect(saveIndex(index, path, { signal: aborted.signal })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    expect(readdirSync(dir).filter((f) => f.includes('aborted'))).toEqual([]);
  });

  it('a missing file is ERR_FILE_UNREADABLE; a damaged one names the file and byte', async () => {
    await expect(loadIndex(join(dir, 'missing.idx'))).rejects.toMatchObject({ code: 'ERR_FILE_UNREADABLE' });
    const path = join(dir, 'truncated.idx');
    const good = join(dir, 'good.idx');
    await saveIndex(haystackIndex(), good);
    writeFileSync(path, readFileSync(good).subarray(0, 5000));
    await expect(loadIndex(path)).rejects.toMatchObject({
      code: 'ERR_INDEX_CORRUPT',
      location: { source: path, offset: 5000 },
    });
  });
});

/**
 * Lists in the shapes real tools write: upstream files copied into fixtures/pdq, and hand-made
 * samples in fixtures/lists (see its README for the tool and source file each shape comes from).
 * Expected hashes come from the C++ reference's output, split by hand in helpers.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashToHex } from '../../src/core/hash.js';
import { parseHashList } from '../../src/lists/read.js';
import type { ReadHashListOptions } from '../../src/lists/types.js';
import { readHashListFile } from '../../src/node/hash-list-file.js';
import { ensureListAlgorithm, fixture, fixtureText, referencePdq, VIDEO_MD5 } from './helpers.js';

const PDQ = referencePdq();
const bridge = (name: string) => PDQ.get(`images/bridge-mods/${name}`)!.hash;
const BRIDGE = [
  'aaa-orig.jpg',
  'blur-a-little.jpg',
  'blur-a-lot.jpg',
  'high-contrast.jpg',
  'high-saturation.jpg',
];

function read(path: string[], options: ReadHashListOptions = {}) {
  return parseHashList(fixtureText(...path), { source: path.join('/'), ...options });
}

function thrown(fn: () => unknown): ImprintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImprintError) return err;
    throw err;
  }
  throw new Error('expected an ImprintError');
}

beforeAll(() => {
  ensureListAlgorithm('md5', 128);
  ensureListAlgorithm('phash', 64);
  ensureListAlgorithm('ahash', 64);
  ensureListAlgorithm('blockhash', 256);
});

describe('upstream files', () => {
  it('reads the reference needle/haystack lists (plain, one hash per line)', () => {
    const text = fixtureText('pdq', 'matching', 'haystack.txt');
    const lines = text.split('\n').filter((l) => l !== '');
    const { entries, stats } = read(['pdq', 'matching', 'haystack.txt']);
    expect(stats.format).toBe('plain');
    expect(entries.map((e) => hashToHex(e.hash))).toEqual(lines);
    expect(entries.map((e) => e.line)).toEqual(lines.map((_, i) => i + 1));
    expect(stats).toMatchObject({ entries: 1350, lines: 1350, skipped: 0 });
  });

  it('reads pdq-photo-hasher output (hash,quality,path) as hash,metadata', () => {
    const { entries, stats } = read(['pdq', 'expected', 'cpp-fullres.csv']);
    expect(stats.format).toBe('hash-metadata');
    expect(entries).toHaveLength(53);
    const [first] = entries;
    expect(hashToHex(first!.hash)).toBe(bridge('aaa-orig.jpg'));
    expect(first!.metadata).toBe('100,images/bridge-mods/aaa-orig.jpg');
    for (const e of entries) {
      const path = (e.metadata as string).split(',')[1]!;
      expect(hashToHex(e.hash)).toBe(PDQ.get(path)!.hash);
    }
  });

  it('reads the dihedral CSV only as far as its first hash (the rest is metadata)', () => {
    const { entries } = read(['pdq', 'expected', 'cpp-cli-dihedral.csv']);
    expect(entries).toHaveLength(53);
    expect((entries[0]!.metadata as string).split(',')).toHaveLength(9);
  });

  it('reads CSV with a header: python-threatexchange examples (hash,image)', () => {
    const { entries, stats } = read(['pdq', 'expected', 'upstream-pytx-PdqSignal-examples.csv']);
    expect(stats.format).toBe('csv');
    expect(entries.length).toBe(14);
    for (const e of entries) {
      const image = (e.metadata as { image: string }).image;
      expect(hashToHex(e.hash)).toBe(PDQ.get(image)!.hash);
      expect(e.line).toBeGreaterThan(1);
    }
  });

  it('reads CSV with a quoted note column (Java port expectations)', () => {
    const { entries } = read(['pdq', 'expected', 'upstream-java-PDQHasherTest.csv']);
    expect(entries.map((e) => Object.keys(e.metadata as object))).toEqual([
      ['image', 'note'],
      ['image', 'note'],
    ]);
  });

  it('names the line of the MD5 rows in the WASM test CSV (FilePath,Hash), or skips them when lenient', () => {
    const error = thrown(() => read(['pdq', 'expected', 'upstream-wasm-PDQMD5TestData.csv']));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location).toEqual({ source: 'pdq/expected/upstream-wasm-PDQMD5TestData.csv', line: 18 });
    expect(error.message).toContain('line 18');

    const lenient = read(['pdq', 'expected', 'upstream-wasm-PDQMD5TestData.csv'], { lenient: true });
    expect(lenient.entries).toHaveLength(16);
    expect(lenient.problems.map((p) => p.location?.line)).toEqual([18, 19]);
    expect(lenient.stats.skipped).toBe(2);
    expect(lenient.entries[0]!.metadata).toEqual({ FilePath: '../../../../data/misc-images/b.jpg' });
  });

  it('reads the blockhash reference output ("<hash>  <file>") as plain with metadata', () => {
    const { entries, stats } = read(['blockhash', 'exact-hashes.txt'], { algorithm: 'blockhash' });
    const lines = fixtureText('blockhash', 'exact-hashes.txt')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(stats.format).toBe('plain');
    expect(entries.map((e) => `${hashToHex(e.hash)}  ${e.metadata}`)).toEqual(lines);
  });
});

describe('ThreatExchange tools', () => {
  it('pdq-photo-hasher --details: hash= prefix, metadata verbatim', () => {
    const { entries, stats } = read(['lists', 'pdq-photo-hasher-details.txt']);
    expect(stats.format).toBe('hash-metadata');
    expect(entries.map((e) => hashToHex(e.hash))).toEqual(BRIDGE.map(bridge));
    expect(entries[1]!.metadata).toBe(
      'norm=128,delta=2,quality=100,filename=images/bridge-mods/blur-a-little.jpg',
    );
  });

  it('threatexchange hash: "<type> <hash>" lines; other types are an error naming the line, or skipped', () => {
    const error = thrown(() => read(['lists', 'threatexchange-hash.txt']));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location?.line).toBe(4);
    expect(error.message).toContain('video_md5');

    const { entries, stats } = read(['lists', 'threatexchange-hash.txt'], { otherAlgorithms: 'skip' });
    expect(stats.format).toBe('threatexchange');
    expect(entries.map((e) => hashToHex(e.hash))).toEqual(BRIDGE.slice(0, 3).map(bridge));
    expect(stats).toMatchObject({ entries: 3, filtered: 1, filteredTypes: { video_md5: 1 } });
  });

  it('threatexchange hash read as md5 keeps only the video_md5 line', () => {
    const { entries, stats } = read(['lists', 'threatexchange-hash.txt'], {
      algorithm: 'md5',
      otherAlgorithms: 'skip',
    });
    expect(entries.map((e) => [hashToHex(e.hash), e.line])).toEqual([[VIDEO_MD5, 4]]);
    expect(stats.filteredTypes).toEqual({ pdq: 3 });
  });

  it('threatexchange dataset -P: the collaboration and metadata after the hash are kept', () => {
    const { entries } = read(['lists', 'threatexchange-dataset.txt'], { otherAlgorithms: 'skip' });
    expect(entries).toHaveLength(3);
    expect(entries[0]!.metadata).toBe("'Sample Data' FetchedSignalMetadata()");
  });

  it('threatexchange dataset -P --csv: signal_str column, signal_type per row, CRLF', () => {
    const { entries, stats } = read(['lists', 'threatexchange-dataset.csv'], { otherAlgorithms: 'skip' });
    expect(stats.format).toBe('csv');
    expect(entries.map((e) => hashToHex(e.hash))).toEqual(BRIDGE.slice(0, 3).map(bridge));
    expect(entries[0]!.metadata).toEqual({
      signal_type: 'pdq',
      collab: 'Sample Data',
      category: 'POSITIVE_CLASS',
      tags: 'media_type_photo bridge, edited',
    });
    expect(stats.filteredTypes).toEqual({ video_md5: 1 });
  });
});

describe('StopNCII', () => {
  const recordLines = (text: string) =>
    [...text.split('\n').entries()].filter(([, l]) => l.includes('"lastModtimestamp"')).map(([i]) => i); // 0-based line of the first key = 1-based line of "{"

  it('reads a FetchHashes response: ImagePDQ records, VideoMD5 named as another type, Withdrawn skipped', () => {
    const text = fixtureText('lists', 'stopncii-fetchhashes.json');
    const lines = recordLines(text);
    const error = thrown(() => read(['lists', 'stopncii-fetchhashes.json']));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location?.line).toBe(lines[2]);

    const { entries, stats } = read(['lists', 'stopncii-fetchhashes.json'], { otherAlgorithms: 'skip' });
    expect(stats.format).toBe('json');
    expect(entries.map((e) => hashToHex(e.hash))).toEqual([
      bridge('aaa-orig.jpg'),
      bridge('blur-a-little.jpg'),
      PDQ.get('images/misc/c.png')!.hash,
    ]);
    expect(entries.map((e) => e.line)).toEqual([lines[0], lines[1], lines[4]]);
    expect(stats).toMatchObject({ entries: 3, filtered: 1, filteredTypes: { VideoMD5: 1 }, withdrawn: 1 });
    expect(entries[1]!.metadata).toMatchObject({
      signalType: 'ImagePDQ',
      hashStatus: 'Active',
      hashRegions: ['UK'],
      CSPFeedbacks: [{ source: 'Facebook', feedbackValue: 'Blocked', tags: ['Nude'] }],
    });
    expect(entries[2]!.metadata).toMatchObject({ caseNumbers: [] });
  });

  it('includes withdrawn records when asked, and reads VideoMD5 records as md5', () => {
    const all = read(['lists', 'stopncii-fetchhashes.json'], {
      otherAlgorithms: 'skip',
      withdrawn: 'include',
    });
    expect(all.entries).toHaveLength(4);
    const md5 = read(['lists', 'stopncii-fetchhashes.json'], { algorithm: 'md5', otherAlgorithms: 'skip' });
    expect(md5.entries.map((e) => hashToHex(e.hash))).toEqual([VIDEO_MD5]);
  });

  it('reads the same records as NDJSON, and with format "stopncii" given', () => {
    for (const format of ['auto', 'stopncii'] as const) {
      const { entries, stats } = read(['lists', 'stopncii-records.ndjson'], {
        format,
        otherAlgorithms: 'skip',
      });
      expect(stats.format).toBe(format === 'auto' ? 'ndjson' : 'stopncii');
      expect(entries.map((e) => e.line)).toEqual([1, 2, 5]);
      expect(stats).toMatchObject({ filtered: 1, withdrawn: 1 });
    }
    const doc = read(['lists', 'stopncii-fetchhashes.json'], { format: 'stopncii', otherAlgorithms: 'skip' });
    expect(doc.entries).toHaveLength(3);
  });

  it('format "stopncii" refuses records of other shapes', () => {
    const error = thrown(() => read(['lists', 'imprint-hash.ndjson'], { format: 'stopncii' }));
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.location?.line).toBe(1);
  });
});

describe('hasher-matcher-actioner and imprint', () => {
  it('reads HMA bank content records (signals map)', () => {
    const { entries, stats } = read(['lists', 'hma-bank-content.ndjson'], { otherAlgorithms: 'skip' });
    expect(entries.map((e) => hashToHex(e.hash))).toEqual(BRIDGE.slice(0, 3).map(bridge));
    expect(entries[0]!.metadata).toEqual({
      id: 1,
      disable_until_ts: 1,
      collab_metadata: {},
      original_media_uri: null,
      bank: { name: 'BRIDGE_TEST_BANK', matching_enabled_ratio: 1 },
    });
    expect(stats.filteredTypes).toEqual({ video_md5: 1 });
  });

  it('reads HMA /h/hash answers ({"pdq": ...})', () => {
    const text = `{"pdq": "${bridge('aaa-orig.jpg')}"}\n{"pdq": "${bridge('blur-a-lot.jpg')}"}\n`;
    const { entries } = parseHashList(text);
    expect(entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), undefined],
      [bridge('blur-a-lot.jpg'), undefined],
    ]);
  });

  it('reads imprint hash --json output, with quality', () => {
    const { entries, stats } = read(['lists', 'imprint-hash.ndjson']);
    expect(stats.format).toBe('ndjson');
    expect(entries.map((e) => [hashToHex(e.hash), e.hash.quality, e.metadata])).toEqual(
      BRIDGE.map((n) => [bridge(n), 100, { path: `fixtures/pdq/images/bridge-mods/${n}` }]),
    );
  });

  it('reads imprint hash --json --algo with several algorithms, picking the one asked for', () => {
    const phash = read(['lists', 'imprint-hash-multi.ndjson'], { algorithm: 'phash' });
    expect(phash.entries.map((e) => hashToHex(e.hash))).toEqual(['ba8c84536bd3c366']);
    expect(phash.entries[0]!.metadata).toEqual({ path: 'fixtures/imagehash/imagehash.png', quality: null });
    const ahash = read(['lists', 'imprint-hash-multi.ndjson'], { algorithm: 'ahash' });
    expect(ahash.entries.map((e) => hashToHex(e.hash))).toEqual(['ffd7918181c9ffff']);
    const pdq = thrown(() => read(['lists', 'imprint-hash-multi.ndjson']));
    expect(pdq.code).toBe('ERR_INVALID_HASH');
  });

  it('reads every sample through the file reader with the same result as from a string', async () => {
    for (const name of [
      'pdq-photo-hasher-details.txt',
      'threatexchange-dataset.csv',
      'stopncii-fetchhashes.json',
      'hma-bank-content.ndjson',
    ]) {
      const list = readHashListFile(fixture('lists', name), { otherAlgorithms: 'skip' });
      const streamed = await list.toArray();
      const whole = read(['lists', name], { otherAlgorithms: 'skip' });
      expect(streamed).toEqual(whole.entries);
      expect(list.stats).toEqual(whole.stats);
    }
  });
});

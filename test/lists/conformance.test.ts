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

  it('reads pdq-photo-hasher output (hash,quality,path): the quality into the hash, the path as metadata', () => {
    const { entries, stats } = read(['pdq', 'expected', 'cpp-fullres.csv']);
    expect(stats.format).toBe('pdq-photo-hasher');
    expect(entries).toHaveLength(53);
    const [first] = entries;
    expect(hashToHex(first!.hash)).toBe(bridge('aaa-orig.jpg'));
    expect(first!.metadata).toBe('images/bridge-mods/aaa-orig.jpg');
    for (const e of entries) {
      const path = e.metadata as string;
      expect([hashToHex(e.hash), e.hash.quality]).toEqual([PDQ.get(path)!.hash, PDQ.get(path)!.quality]);
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
    expect(error.message).toContain('32 hex digits');

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

describe('lists the sharing tools really emit (issue 18)', () => {
  // md5sum / sha1sum / sha256sum of our fixtures (GNU coreutils), as written in the samples.
  const MD5_C_PNG = '0d12d4462273b533b9197f78b9aeb0d7';
  const MD5_PEN = 'e26b99893e82b864089da14d255df5a4';
  const SHA1_C_PNG = 'dfdf0648fdc1ec01e3a08c213c791d2c086dd1b0';
  const SHA1_PEN = 'cfc1607f08bf835f275d86745eed010725b8d500';
  const SHA1_VIDEO = 'c82cf7930f76f42aaf6589fd899bee98256f831c';
  const SHA256_VIDEO = '621553dfabd5774828d2e845e9b17081dadf9cb9965aa59eee8668369413062f';
  const misc = (name: string) => PDQ.get(`images/misc/${name}`)!.hash;
  const hexes = (entries: readonly { hash: { bytes: Uint8Array; algorithm: string; bits: number } }[]) =>
    entries.map((e) => hashToHex(e.hash as never));

  beforeAll(() => {
    ensureListAlgorithm('sha1', 160);
    ensureListAlgorithm('sha256', 256);
  });

  it('threatexchange dataset -P with rows of every signal type, text rows (commas, JSON) first', () => {
    const path = ['lists', 'threatexchange-dataset-mixed.txt'];
    const error = thrown(() => read(path));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.location?.line).toBe(1);
    expect(error.message).toContain('"raw_text"');

    const { entries, stats } = read(path, { otherAlgorithms: 'skip' });
    expect(stats.format).toBe('threatexchange');
    expect(entries.map((e) => [hashToHex(e.hash), e.line, e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), 4, "'StopNCII' POSITIVE_CLASS Nude,Objectionable"],
      [bridge('blur-a-little.jpg'), 6, "'Sample Signals' INVESTIGATION_SEED"],
      [bridge('blur-a-lot.jpg'), 8, "'StopNCII' POSITIVE_CLASS Nude"],
    ]);
    expect(stats.filteredTypes).toEqual({ raw_text: 3, trend_query: 1, url: 1, url_md5: 1, video_md5: 1 });
    const md5 = read(path, { algorithm: 'md5', otherAlgorithms: 'skip' });
    expect(md5.entries.map((e) => [hashToHex(e.hash), e.line])).toEqual([[VIDEO_MD5, 7]]);
  });

  it('threatexchange dataset -P without the type column (-s pdq), without the collaboration (-c), or both', () => {
    const noType = read(['lists', 'threatexchange-dataset-no-type.txt']);
    expect(noType.stats.format).toBe('plain');
    expect(noType.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), "'StopNCII' POSITIVE_CLASS Nude,Objectionable"],
      [bridge('blur-a-little.jpg'), "'Sample Signals' INVESTIGATION_SEED"],
      [bridge('blur-a-lot.jpg'), "'StopNCII' POSITIVE_CLASS Nude"],
    ]);
    const noCollab = read(['lists', 'threatexchange-dataset-no-collab.txt'], { otherAlgorithms: 'skip' });
    expect(noCollab.stats.format).toBe('threatexchange');
    expect(noCollab.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), 'POSITIVE_CLASS Nude,Objectionable'],
      [bridge('blur-a-lot.jpg'), 'POSITIVE_CLASS Nude'],
    ]);
    expect(noCollab.stats.filteredTypes).toEqual({ trend_query: 1, video_md5: 1 });
    const neither = read(['lists', 'threatexchange-dataset-no-type-no-collab.txt']);
    expect(neither.stats.format).toBe('plain');
    expect(neither.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), 'POSITIVE_CLASS Nude,Objectionable'],
      [bridge('blur-a-lot.jpg'), 'POSITIVE_CLASS Nude'],
    ]);
  });

  it("older threatexchange dataset -P: the collaboration first ('Sample Signals' pdq <hash> ...)", () => {
    const { entries, stats } = read(['lists', 'threatexchange-dataset-collab-first.txt'], {
      otherAlgorithms: 'skip',
    });
    expect(stats.format).toBe('threatexchange');
    expect(entries.map((e) => [hashToHex(e.hash), e.line, e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), 3, "'Sample Signals' WORTH_INVESTIGATING"],
      [bridge('high-contrast.jpg'), 4, "'Sample Signals' WORTH_INVESTIGATING"],
    ]);
    expect(stats.filteredTypes).toEqual({ url: 1, raw_text: 1, video_md5: 1 });
  });

  it('threatexchange hash --photo-preprocess=rotations: 8 hashes, the rotation as metadata', () => {
    const { entries, stats } = read(['lists', 'threatexchange-rotations.txt']);
    expect(stats.format).toBe('threatexchange');
    // The lines python-threatexchange's cli/tests/hash_cmd_test.py expects for LA.png.
    expect(entries.map((e) => [e.metadata, hashToHex(e.hash)])).toEqual([
      ['ORIGINAL', 'accb6d39648035f8125c8ce6ba65007de7b54c67a2d93ef7b8f33b0611306715'],
      ['ROTATE90', '1f70cbbc77edc5f9524faa1b18f3b76cd0a04a833e20f645d229d0acc8499c56'],
      ['ROTATE180', '31ddf2513558de0ae56e4a8c8930cadde2ee084df3aed0a75fa512ea0e41e197'],
      ['ROTATE270', 'c79931968e880f4b97196df4d5ea0fb489b99e2c10af0dceacf572809b815ea5'],
      ['FLIPX', 'aaca8605440c4a6735dbbf59b947df92e7bf161807e9cd88baf04579523098ab'],
      ['FLIPY', '559f78de2530abbdc663b131ed78f10072c4bb13f3acd6017d0e69150e413e5a'],
      ['FLIPPLUS1', '86a860c1f2bd1a1ec65cf4d10ab55087b4b89f7857da59bbd9200fd5845cc3f9'],
      ['FLIPMINUS1', '5bb15db9e8a1f03c174a380a55aeaa2985bde9c60abce301bde48df918b5c15b'],
    ]);
  });

  it('pdq-photo-hasher --int64: the words are the reference hashes, most significant first, signed', () => {
    const { entries, stats } = read(['lists', 'pdq-photo-hasher-int64.txt']);
    expect(stats.format).toBe('pdq-int64');
    expect(entries).toHaveLength(12);
    for (const e of entries) {
      const path = (e.metadata as string)
        .replace('./data/reg-test-input/pen-and-coaster.png', 'images/misc/pen-and-coaster.png')
        .replace('./data/reg-test-input/', 'images/')
        .replace('./data/misc-images/', 'images/misc/');
      expect([hashToHex(e.hash), e.hash.quality]).toEqual([PDQ.get(path)!.hash, PDQ.get(path)!.quality]);
    }
  });

  it('a FilePath,Hash CSV whose last rows are 32-digit MD5s: skipped and counted by their length', () => {
    const { entries, stats } = read(['pdq', 'expected', 'upstream-wasm-PDQMD5TestData.csv'], {
      otherAlgorithms: 'skip',
    });
    expect(entries).toHaveLength(16);
    expect(stats).toMatchObject({ skipped: 0, filtered: 2, filteredTypes: { '32 hex digits': 2 } });
  });

  it('vPDQ as python-threatexchange and HMA store it: a JSON array of "hash,quality,timestamp"', () => {
    const frames = fixtureText('pdq', 'vpdq', 'test-padded-dimensions.expected.txt')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const compact = JSON.parse(fixtureText('lists', 'vpdq-pytx-compact.json')) as string[];
    const { entries, stats } = read(['lists', 'vpdq-pytx-compact.json']);
    expect(stats.format).toBe('vpdq');
    expect(entries.map((e) => [hashToHex(e.hash), e.hash.quality])).toEqual(
      frames.map((f) => [f[2], Number(f[1])]),
    );
    expect(entries.map((e) => e.metadata)).toEqual(
      compact.map((s, i) => ({ frame: i, timestamp: Number(s.split(',')[2]) })),
    );
    // vpdq-hash-video's own lines read the same hashes.
    const lines = read(['pdq', 'vpdq', 'test-padded-dimensions.expected.txt']);
    expect(lines.stats.format).toBe('vpdq');
    expect(lines.entries.map((e) => hashToHex(e.hash))).toEqual(frames.map((f) => f[2]));
  });

  it('Tech Against Terrorism hash list: PDQ rows read, other algorithms named, deleted rows withdrawn', () => {
    const path = ['lists', 'tat-hash-list.json'];
    const error = thrown(() => read(path));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.message).toContain('"MD5"');
    const lenient = read(path, { lenient: true });
    expect(lenient.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('"MD5", not pdq (read with'),
      expect.stringContaining('"SHA256", not pdq (read with'),
      expect.stringContaining('"SHA512", not pdq (not an algorithm imprint computes)'),
    ]);
    const { entries, stats } = read(path, { otherAlgorithms: 'skip' });
    expect(stats.format).toBe('json');
    expect(hexes(entries)).toEqual([bridge('aaa-orig.jpg'), bridge('blur-a-lot.jpg')]);
    expect(stats).toMatchObject({ withdrawn: 1, filteredTypes: { MD5: 1, SHA256: 1, SHA512: 1 } });
    expect(entries[0]!.metadata).toMatchObject({ algorithm: 'PDQ', id: 2819, file_type: 'jpg' });
    expect(hexes(read(path, { algorithm: 'md5', otherAlgorithms: 'skip' }).entries)).toEqual([VIDEO_MD5]);
    expect(hexes(read(path, { algorithm: 'sha256', otherAlgorithms: 'skip' }).entries)).toEqual([
      SHA256_VIDEO,
    ]);
    const none = thrown(() => read(path, { algorithm: 'sha1', otherAlgorithms: 'skip' }));
    expect(none.code).toBe('ERR_LIST_EMPTY');
    expect(none.message).toContain('SHA512: not an algorithm imprint computes');
  });

  it('hand-written: TSV with a "PDQ Hash" column, semicolons with "pdq_hash", 0x prefixes', () => {
    const tsv = read(['lists', 'hand-written.tsv']);
    expect(tsv.stats.format).toBe('csv');
    expect(tsv.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [bridge('aaa-orig.jpg'), { filename: 'bridge/aaa-orig.jpg', note: 'the original' }],
      [bridge('blur-a-little.jpg'), { filename: 'bridge/blur-a-little.jpg', note: 'blurred, a little' }],
      [misc('c.png'), { filename: 'misc/c.png', note: '' }],
    ]);
    const semi = read(['lists', 'hand-written-semicolon.csv']);
    expect(semi.stats.format).toBe('csv');
    expect(hexes(semi.entries)).toEqual([
      bridge('aaa-orig.jpg'),
      bridge('blur-a-lot.jpg'),
      misc('pen-and-coaster.png'),
    ]);
    expect(semi.entries[1]!.metadata).toEqual({ source: 'hotline B', added: '2024-05-02' });
  });

  it('a header naming no hash column: the column of hashes is found by content, or the header is named as not recognised', () => {
    const byContent = read(['lists', 'hand-written-unnamed-column.csv']);
    expect(hexes(byContent.entries)).toEqual([
      bridge('aaa-orig.jpg'),
      bridge('high-contrast.jpg'),
      misc('pen-and-coaster.png'),
    ]);
    expect(byContent.entries[0]!.metadata).toEqual({ image: 'bridge/aaa-orig.jpg', reviewed: 'yes' });
    const error = thrown(() => read(['lists', 'unrecognised-header.csv']));
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.location?.line).toBe(1);
    expect(error.message).toContain('CSV header not recognised');
    expect(error.message).toContain('"id", "checksum"');
    expect(error.message).not.toContain('Expected 64 hex digits');
    // Read as MD5, its checksum column is the hash column (by content).
    expect(read(['lists', 'unrecognised-header.csv'], { algorithm: 'md5' }).entries).toHaveLength(2);
  });

  it('an unclosed quote is reported at its line and reading goes on at the next line', () => {
    const path = ['lists', 'unclosed-quote.csv'];
    const error = thrown(() => read(path));
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.location?.line).toBe(4);
    expect(error.message).toContain('Quoted field not closed');
    const { entries, problems, stats } = read(path, { lenient: true });
    expect(entries).toHaveLength(12);
    expect(problems.map((p) => p.location?.line)).toEqual([4]);
    expect(stats.skipped).toBe(1);
    expect(entries.map((e) => e.line)).toEqual([2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(entries[6]!.metadata).toEqual({ note: 'row 8, quoted' });
  });

  it('NCMEC XML: no PDQ in it (ERR_LIST_EMPTY saying what it holds); its MD5 and SHA-1 read as such', () => {
    const error = thrown(() => read(['lists', 'ncmec-entries.xml']));
    expect(error.code).toBe('ERR_LIST_EMPTY');
    expect(error.message).toContain('as ncmec-xml');
    expect(error.message).toContain('md5+sha1+pdna: 2');
    expect(error.message).toContain('pdna, tmk-pdqf: not an algorithm imprint computes');
    expect(error.message).not.toContain('<?xml');
    const md5 = read(['lists', 'ncmec-entries.xml'], { algorithm: 'md5' });
    expect(md5.entries.map((e) => [hashToHex(e.hash), e.metadata])).toEqual([
      [MD5_C_PNG, { kind: 'image', id: 'image1', classification: 'A1' }],
      [MD5_PEN, { kind: 'image', id: 'image2', classification: 'A1' }],
      [VIDEO_MD5, { kind: 'video', id: 'video1' }],
    ]);
    expect(md5.entries.map((e) => e.line)).toEqual([4, 16, 34]); // the <image>/<video> lines
    expect(md5.stats.withdrawn).toBe(1);
    expect(hexes(read(['lists', 'ncmec-entries.xml'], { algorithm: 'sha1' }).entries)).toEqual([
      SHA1_C_PNG,
      SHA1_PEN,
      SHA1_VIDEO,
    ]);
  });

  it('HMA signal records ({"pdq": ...}, the bank import body)', () => {
    const { entries, stats } = read(['lists', 'hma-signals.ndjson'], { otherAlgorithms: 'skip' });
    expect(hexes(entries)).toEqual([bridge('aaa-orig.jpg'), bridge('blur-a-lot.jpg')]);
    expect(stats.filteredTypes).toEqual({ video_md5: 1 });
  });
});

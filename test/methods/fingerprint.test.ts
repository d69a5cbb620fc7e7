import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import type { PixelImage } from '../../src/core/pixels.js';
import {
  type FingerprintRecord,
  formatFingerprintRecord,
  isFingerprintRecordLine,
  newFingerprintStats,
  readFingerprintRecords,
} from '../../src/lists/fingerprint-records.js';
import { parseHashList } from '../../src/lists/read.js';
import { decodeIndex, encodeIndex } from '../../src/matching/index-format.js';
import {
  FINGERPRINT_READING,
  fingerprintEntries,
  fingerprintOf,
  indexPropertiesFor,
  parseFingerprint,
  trustedStoredFamilies,
} from '../../src/matching/methods/fingerprint.js';
import { knownEntriesFor, storedFamilies } from '../../src/matching/methods/match.js';
import { getMethod, METHODS } from '../../src/matching/methods/methods.js';
import { ImageVariants, VARIANTS_VERSION } from '../../src/matching/methods/variants.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, slantedStripes, stripes, yellowBands } from '../helpers.js';

const INDEX_SIDE = METHODS.filter((m) => m.side === 'index-side');

let pictures: { name: string; image: PixelImage }[];

beforeAll(async () => {
  sharp.cache(false);
  pictures = [
    ...(await Promise.all(
      ['coffee.jpg', 'low-detail-fog.jpg', 'camera-grey.png', 'screenshot-terminal.png', 'tiny-8x8.png'].map(
        async (name) => ({ name, image: await decodeImage(fixture('photos', name)) }),
      ),
    )),
    { name: 'slanted stripes', image: slantedStripes() },
    { name: 'yellow bands', image: yellowBands() },
    { name: 'flat stripes', image: stripes(288, 192, 0) },
  ];
});

/** The record written as a line and read back, as a platform receives it. */
function shared(record: FingerprintRecord): FingerprintRecord {
  const line = formatFingerprintRecord(record);
  expect(isFingerprintRecordLine(line)).toBe(true);
  return parseFingerprint(line);
}

describe('fingerprint records', () => {
  it('give exactly the index entries knownEntriesFor makes from the image, for every index-side method', () => {
    let derived = 0;
    for (const method of INDEX_SIDE) {
      for (const { name, image } of pictures) {
        const variants = new ImageVariants(image);
        const fromImage = knownEntriesFor(method, variants, { id: name });
        const fromRecord = fingerprintEntries(shared(fingerprintOf(method, variants, { id: name })));
        expect(fromRecord, `${method.name} ${name}`).toEqual(fromImage);
        derived += fromImage.length - 1;
      }
    }
    expect(derived).toBeGreaterThan(100); // the comparison covered derived hashes, not just plain ones
  });

  it('write every field documented, metadata beside them, and the method and derivation version', () => {
    const record = fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, {
      path: 'known/coffee.jpg',
      case: 7,
    });
    const json = JSON.parse(formatFingerprintRecord(record));
    expect(Object.keys(json)).toEqual([
      'fingerprint',
      'method',
      'derivation',
      'algorithm',
      'hash',
      'quality',
      'stable',
      'derived',
      'path',
      'case',
    ]);
    expect(json).toMatchObject({
      fingerprint: 1,
      method: 'pdq-max',
      derivation: VARIANTS_VERSION,
      algorithm: 'pdq',
    });
    const families = new Set(json.derived.map((d: { family: string }) => d.family));
    expect(families).toEqual(new Set(['crops', 'bands', 'tones', 'witness']));
    const witness = json.derived.find((d: { family: string }) => d.family === 'witness');
    expect(witness.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(witness.hash).toBe(json.hash); // the witness is the plain hash with the pHash beside it
    expect(() => formatFingerprintRecord({ ...record, metadata: { hash: 'x' } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('leave out derived hashes a hand-made record carries below the method floors, as an image would', () => {
    const base = fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, { id: 1 });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ quality: fc.integer({ min: 0, max: 100 }), count: fc.integer({ min: 0, max: 256 }) }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (edits) => {
          const hashes = base.hashes.map((v, n) => {
            const edit = edits[n % edits.length]!;
            if (v.family === 'plain') return v;
            const mask = new Uint8Array(32);
            for (let k = 0; k < edit.count; k++) mask[k >> 3]! |= 1 << (k & 7);
            return { ...v, hash: { ...v.hash, quality: edit.quality }, stable: { mask, count: edit.count } };
          });
          const read = shared({ ...base, hashes });
          const entries = fingerprintEntries(read);
          // The plain definition: knownHashesFor's filter (method gate 20; crops 96 stable bits,
          // tones none, others 64).
          const floor = (f: string) => (f === 'tones' ? 0 : f === 'crops' ? 96 : 64);
          const kept = hashes.filter(
            (v) => v.family === 'plain' || (v.hash.quality! >= 20 && v.stable.count >= floor(v.family)),
          );
          expect(entries.length).toBe(kept.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('read by the plain list reader, are a PDQ list of their plain hashes with the item metadata', () => {
    const record = fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, { path: 'known/coffee.jpg' });
    const { entries, stats } = parseHashList(`${formatFingerprintRecord(record)}\n`);
    expect(stats.format).toBe('ndjson');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.hash.bytes).toEqual(record.hashes[0]!.hash.bytes);
    expect(entries[0]!.hash.quality).toBe(record.hashes[0]!.hash.quality);
    expect(entries[0]!.metadata).toEqual({ path: 'known/coffee.jpg' });
  });

  it('refuse malformed records, naming the line', () => {
    const good = JSON.parse(
      formatFingerprintRecord(fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, {})),
    );
    const bad: [unknown, RegExp, string?][] = [
      ['{"fingerprint":1,', /Not a JSON object/],
      [{ ...good, fingerprint: 2 }, /format 2 is not supported/],
      [{ ...good, method: 'pdq-magic' }, /Unknown method/],
      [{ ...good, method: 'pdq-crops' }, /does not store the "bands" family/],
      [{ ...good, derivation: 'x' }, /whole number "derivation"/],
      [{ ...good, algorithm: 'phash' }, /"algorithm": "pdq"/],
      [{ ...good, hash: 'abc' }, /64 hex digits/, 'ERR_INVALID_HASH'],
      [{ ...good, quality: 101 }, /quality/],
      [{ ...good, stable: undefined }, /"stable" mask/],
      [{ ...good, derived: [{ ...good.derived[0], family: 'nonsense' }] }, /Unknown family/],
      [{ ...good, derived: [{ ...good.derived[0], label: '' }] }, /label/],
      [{ ...good, derived: [{ ...good.derived[0], phash: '0123456789abcdef' }] }, /Only a witness/],
      [
        { ...good, derived: good.derived.map((d: { family: string }) => ({ ...d, phash: undefined })) },
        /"phash"/,
      ],
      [{ ...good, derived: 'all of them' }, /"derived"/],
    ];
    for (const [value, message, code] of bad) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      let error: ImprintError | undefined;
      try {
        parseFingerprint(text, { source: 'hotline.ndjson', line: 9 });
      } catch (err) {
        error = err as ImprintError;
      }
      expect(error, String(message)).toBeInstanceOf(ImprintError);
      expect(error!.code).toBe(code ?? 'ERR_HASH_LIST_SYNTAX');
      expect(error!.message).toMatch(message);
      expect(error!.location).toEqual({ source: 'hotline.ndjson', line: 9 });
    }
  });

  it('of another derivation version are refused when they carry derived hashes, accepted when plain only', () => {
    const old = {
      ...fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, {}),
      derivation: VARIANTS_VERSION - 1,
    };
    let error: ImprintError | undefined;
    try {
      shared(old);
    } catch (err) {
      error = err as ImprintError;
    }
    expect(error?.code).toBe('ERR_INDEX_DERIVATION');
    expect(error?.message).toContain(`version ${VARIANTS_VERSION - 1}`);
    expect(error?.message).toContain(`computes version ${VARIANTS_VERSION}`);
    expect(error?.message).toContain('imprint hash --method pdq-max');
    const plain = {
      ...fingerprintOf(getMethod('pdq'), pictures[0]!.image, {}),
      derivation: VARIANTS_VERSION - 1,
    };
    expect(shared(plain).hashes).toHaveLength(1);
  });

  it('are read from chunks split anywhere, with blank lines and comments, the same as whole', async () => {
    const lines = pictures
      .slice(0, 4)
      .map((p) => formatFingerprintRecord(fingerprintOf(getMethod('pdq-max'), p.image, { id: p.name })));
    const text = `# made by imprint\n${lines[0]}\n\n${lines.slice(1).join('\r\n')}`;
    const bytes = new TextEncoder().encode(text);
    const whole = await collect([text]);
    expect(whole.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: bytes.length }), { maxLength: 6 }), async (cuts) => {
        const at = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
        const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i]!, end));
        const got = await collect(chunks);
        expect(got.map((r) => [r.line, r.record.metadata])).toEqual(
          whole.map((r) => [r.line, r.record.metadata]),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('of one list share one method and version; lenient skips malformed records but never a version mismatch', async () => {
    const maxLine = formatFingerprintRecord(fingerprintOf(getMethod('pdq-max'), pictures[0]!.image, {}));
    const cropsLine = formatFingerprintRecord(fingerprintOf(getMethod('pdq-crops'), pictures[0]!.image, {}));
    await expect(collect([`${maxLine}\n${cropsLine}\n`])).rejects.toMatchObject({
      code: 'ERR_HASH_LIST_SYNTAX',
      location: { line: 2 },
    });
    const stats = newFingerprintStats();
    const problems: ImprintError[] = [];
    const read = await collect(
      [`${maxLine}\n{"fingerprint":1}\n${maxLine}\n`],
      { lenient: true, onProblem: (e) => problems.push(e) },
      stats,
    );
    expect(read).toHaveLength(2);
    expect(stats).toMatchObject({ records: 2, skipped: 1, method: 'pdq-max', derivation: VARIANTS_VERSION });
    expect(problems[0]?.location?.line).toBe(2);
    const old = JSON.stringify({ ...JSON.parse(maxLine), derivation: VARIANTS_VERSION - 1 });
    await expect(collect([`${old}\n`], { lenient: true })).rejects.toMatchObject({
      code: 'ERR_INDEX_DERIVATION',
    });
  });
});

describe('derived hashes of index files', () => {
  it('a format 1 index (made before derivation versions were recorded) is matched on its plain hashes only', () => {
    const index = decodeIndex(new Uint8Array(readFileSync(fixture('index', 'v1-pdq-max.idx'))));
    expect(storedFamilies(index)).toEqual(new Set(['crops', 'bands', 'tones', 'witness']));
    const ignored: unknown[] = [];
    expect(
      trustedStoredFamilies(index, (families, version) => ignored.push(new Set(families), version)),
    ).toEqual(new Set());
    expect(ignored).toEqual([new Set(['crops', 'bands', 'tones', 'witness']), 1]);
  });

  it('an index saved with its method properties keeps its derived hashes; one built in memory too', () => {
    const index = new MihIndex<unknown>();
    index.addAll(knownEntriesFor(getMethod('pdq-max'), pictures[0]!.image, 'coffee'));
    expect(trustedStoredFamilies(index)).toEqual(new Set(['crops', 'bands', 'tones', 'witness']));
    const properties = indexPropertiesFor('pdq-max');
    expect(properties).toEqual({
      method: 'pdq-max',
      derivation: VARIANTS_VERSION,
      families: ['crops', 'bands', 'tones', 'witness'],
    });
    const loaded = decodeIndex(encodeIndex(index, { properties }));
    expect(trustedStoredFamilies(loaded)).toEqual(new Set(['crops', 'bands', 'tones', 'witness']));
    // Saved without properties, the file cannot say which derivation made them.
    expect(trustedStoredFamilies(decodeIndex(encodeIndex(index)))).toEqual(new Set());
  });
});

async function collect(
  chunks: (string | Uint8Array)[],
  options: { lenient?: boolean; onProblem?: (e: ImprintError) => void } = {},
  stats = newFingerprintStats(),
): Promise<{ record: FingerprintRecord; line: number }[]> {
  const out: { record: FingerprintRecord; line: number }[] = [];
  for await (const r of readFingerprintRecords(
    chunks,
    { ...FINGERPRINT_READING, source: 'list', ...options },
    stats,
  ))
    out.push(r);
  return out;
}

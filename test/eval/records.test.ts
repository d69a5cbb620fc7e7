/**
 * `imprint eval --known-records`: the known side built from fingerprint records instead of the
 * images gives the same scores, so records carry everything the index-side methods need.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvalResult, runEvaluation } from '../../src/eval/run.js';
import { TRANSFORMS } from '../../src/eval/transforms.js';
import { formatFingerprintRecord } from '../../src/lists/fingerprint-records.js';
import { fingerprintOf } from '../../src/matching/methods/fingerprint.js';
import { getMethod, METHODS } from '../../src/matching/methods/methods.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { photoFolder } from './fixture-eval.js';

const PHOTOS = [
  'astronaut.jpg',
  'china-temple.jpg',
  'coffee.jpg',
  'low-detail-fog.jpg',
  'rocket.jpg',
  'flower.jpg',
];
const TRANSFORMS_USED = ['jpeg-q50', 'crop-10', 'caption-over', 'brightness+30', 'rotate-5'];

let dir: string;
let options: Parameters<typeof runEvaluation>[0];

beforeAll(async () => {
  sharp.cache(false);
  dir = photoFolder(PHOTOS, 'imprint-eval-records-');
  const lines: string[] = [];
  for (const name of PHOTOS) {
    const image = await decodeImage(join(dir, name));
    lines.push(
      formatFingerprintRecord(fingerprintOf(getMethod('pdq-max'), image, { path: join(dir, name) })),
    );
  }
  writeFileSync(join(dir, 'records.ndjson'), `${lines.join('\n')}\n`);
  options = {
    dir,
    methods: METHODS.filter((m) => m.side === 'index-side' || m.name === 'pdq'),
    transforms: TRANSFORMS_USED.map((n) => {
      const t = TRANSFORMS.find((x) => x.name === n);
      if (!t) throw new Error(`no transform ${n}`);
      return t;
    }),
    seed: 3,
    costSample: 3,
    // The copies are hashed once; the known side is taken from the records after the cache.
    cacheFile: join(dir, 'hashes.json'),
  };
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scoresOf(result: EvalResult) {
  return result.scores.map((perMethod) =>
    perMethod.map((cell) => ({ own: [...cell.own], others: [...cell.others] })),
  );
}

describe('imprint eval --known-records', () => {
  it('scores every index-side method the same from records as from images', async () => {
    const fromImages = await runEvaluation(options);
    const fromRecords = await runEvaluation({ ...options, knownRecords: join(dir, 'records.ndjson') });
    expect(scoresOf(fromRecords)).toEqual(scoresOf(fromImages));
    expect(fromRecords.closestFalsePairs).toEqual(fromImages.closestFalsePairs);
    // The index built from the records answers as the pairwise definition does.
    for (const cost of fromRecords.costs) expect(cost.lookupMismatches).toBe(0);
    // Derived hashes made a difference here, so the comparison is not only of plain hashes.
    const m = fromImages.methods.findIndex((x) => x.name === 'pdq-max');
    const p = fromImages.methods.findIndex((x) => x.name === 'pdq');
    const found = (r: EvalResult, k: number) =>
      r.scores[k]!.reduce((n, cell) => n + [...cell.own].filter((s) => s <= 31).length, 0);
    expect(found(fromImages, m)).toBeGreaterThan(found(fromImages, p));

    // Control: the known side really comes from the records (each record given the next one's path).
    const lines = readFileSync(join(dir, 'records.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const shifted = lines.map((r, i) => ({ ...r, path: lines[(i + 1) % lines.length].path }));
    writeFileSync(join(dir, 'shifted.ndjson'), shifted.map((r) => JSON.stringify(r)).join('\n'));
    const fromShifted = await runEvaluation({ ...options, knownRecords: join(dir, 'shifted.ndjson') });
    expect(fromShifted.fromCache).toBe(true);
    expect(found(fromShifted, p)).toBe(0);
  }, 300_000);

  it('refuses records that miss an original or a family the methods need', async () => {
    writeFileSync(join(dir, 'short.ndjson'), '');
    await expect(
      runEvaluation({ ...options, knownRecords: join(dir, 'short.ndjson') }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    const lines: string[] = [];
    for (const name of PHOTOS) {
      const image = await decodeImage(join(dir, name));
      lines.push(
        formatFingerprintRecord(fingerprintOf(getMethod('pdq-crops'), image, { path: join(dir, name) })),
      );
    }
    writeFileSync(join(dir, 'crops.ndjson'), lines.join('\n'));
    await expect(runEvaluation({ ...options, knownRecords: join(dir, 'crops.ndjson') })).rejects.toThrow(
      /hold no "bands" hashes/,
    );
  }, 300_000);
});

/**
 * `imprint bench hash` (the built binary): output shape and the correctness checks it runs.
 * No speed is asserted here; speed lives in the benchmark itself.
 */
import { describe, expect, it } from 'vitest';
import { imprint } from '../cli/run.js';

const photos = ['fixtures/photos/chelsea-cat.jpg', 'fixtures/photos/camera-grey.png'];

describe('imprint bench hash', () => {
  it('prints one JSON object per method and level, with ratios to the decode floor', () => {
    const r = imprint([
      'bench',
      'hash',
      '--json',
      '--cores',
      '1,2',
      '--repeats',
      '1',
      '--min-ms',
      '1',
      '--methods',
      'decode,pdq,pdq-js,pdq-shrink',
      ...photos,
    ]);
    expect(r.stderr).toMatch(/2 images/);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => `${x.method}@${x.cores}`)).toEqual([
      'decode@1',
      'pdq@1',
      'pdq-js@1',
      'pdq-shrink@1',
      'decode@2',
      'pdq@2',
      'pdq-js@2',
      'pdq-shrink@2',
    ]);
    for (const row of rows) {
      expect(row.images).toBe(2);
      expect(row.imagesPerSec).toBeGreaterThan(0);
      expect(row.runs).toHaveLength(1);
      if (row.method === 'decode') expect(row.ratioToDecode).toBe(1);
      expect(row.scaling === null).toBe(row.cores === 1);
    }
    expect(rows.find((x) => x.method === 'pdq').kernelsAgree).toBe(true);
    const shrink = rows.find((x) => x.method === 'pdq-shrink');
    expect(shrink.maxBits).toBeGreaterThanOrEqual(shrink.meanBits); // one JPEG among the inputs
  });

  it('skips inputs that are not images and says so', () => {
    const r = imprint([
      'bench',
      'hash',
      '--cores',
      '1',
      '--repeats',
      '1',
      '--min-ms',
      '1',
      '--methods',
      'decode',
      'fixtures/photos/chelsea-cat.jpg',
      'fixtures/photos/not-an-image.jpg',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not-an-image\.jpg: skipped \(ERR_NOT_AN_IMAGE\)/);
    expect(r.stdout).toMatch(/^method\s+cores\s+images\/s/);
  });

  it.each([
    [['bench'], /missing benchmark/],
    [['bench', 'nope'], /unknown benchmark "nope"/],
    [['bench', 'hash'], /no images/],
    [['bench', 'hash', '--methods', 'md5', 'fixtures/photos'], /unknown method "md5"/],
    [['bench', 'hash', '--cores', '0', 'fixtures/photos'], /--cores expects an integer >= 1/],
    [['bench', 'hash', 'fixtures/photos/empty.jpg'], /none of the inputs is a decodable image/],
  ])('usage error: %j', (args, message) => {
    const r = imprint(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

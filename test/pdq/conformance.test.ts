/**
 * PDQ against Meta's reference output (fixtures/pdq/expected, see fixtures/pdq/README.md),
 * through the real loader, so decoding is under test too.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdqDihedral, pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { hashToHex } from '../../src/core/hash.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, fixtureLines } from '../helpers.js';

// The reference keeps only the low byte of 16-bit samples (a known bug); imprint scales instead.
const SIXTEEN_BIT = 'images/synthetic/sixteen-bit-120x90.png';
// Below 5 px the reference prints an all-zero hash; imprint raises ERR_IMAGE_TOO_SMALL.
const TOO_SMALL = 'images/synthetic/too-small-4x100.png';

function rows(file: string): { hex: string; quality: number; path: string }[] {
  return fixtureLines('pdq', 'expected', file).map((line) => {
    const [hex, quality, path] = line.split(',') as [string, string, string];
    return { hex, quality: Number(quality), path };
  });
}

describe.each([
  ['fullres', 'cpp-fullres.csv'],
  ['cli512', 'cpp-cli.csv'],
] as const)('PDQ %s flavour vs %s', (flavour, file) => {
  const cases = rows(file).filter((r) => r.path !== SIXTEEN_BIT && r.path !== TOO_SMALL);

  it('covers every 8-bit reference image', () => {
    expect(cases.length).toBe(51);
  });

  it.each(cases)('$path', async ({ hex, quality, path }) => {
    const image = await decodeImage(fixture('pdq', path));
    const result = pdqHash(image, { flavour });
    expect(hashToHex(result.hash)).toBe(hex);
    expect(result.quality).toBe(quality);
    expect(result.hash.quality).toBe(quality);
  });
});

describe('PDQ dihedral hashes vs cpp-cli-dihedral.csv', () => {
  const cases = fixtureLines('pdq', 'expected', 'cpp-cli-dihedral.csv')
    .map((line) => line.split(','))
    .filter((parts) => parts[9] !== SIXTEEN_BIT && parts[9] !== TOO_SMALL);

  it.each(cases.map((p) => ({ path: p[9]!, expected: p.slice(0, 8), quality: Number(p[8]) })))(
    '$path',
    async ({ path, expected, quality }) => {
      const result = pdqHash(await decodeImage(fixture('pdq', path)), { flavour: 'cli512' });
      expect(pdqDihedral(result).map(hashToHex)).toEqual(expected);
      expect(result.quality).toBe(quality);
    },
  );

  it('the first dihedral hash is the plain hash', async () => {
    const result = pdqHash(await decodeImage(fixture('pdq', 'images/dih/bridge-1-original.jpg')));
    expect(hashToHex(pdqDihedral(result)[0]!)).toBe(hashToHex(result.hash));
  });
});

describe('PDQ where imprint deliberately differs from the reference', () => {
  it('scales 16-bit samples (v >> 8) instead of keeping the low byte', async () => {
    const path = fixture('pdq', SIXTEEN_BIT);
    const { data, info } = await sharp(path, { ignoreIcc: true })
      .toColourspace('rgb16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    const view = (pick: (v: number) => number) => ({
      width: info.width,
      height: info.height,
      channels: 3 as const,
      data: Uint8Array.from(samples, pick),
    });
    const buggy = rows('cpp-fullres.csv').find((r) => r.path === SIXTEEN_BIT)!.hex;
    // Emulating the bug reproduces the reference exactly, which shows we read the same samples...
    expect(hashToHex(pdqHash(view((v) => v & 255)).hash)).toBe(buggy);
    // ...and the loader hashes the properly scaled picture instead.
    const loaded = pdqHash(await decodeImage(path));
    expect(hashToHex(loaded.hash)).toBe(hashToHex(pdqHash(view((v) => v >> 8)).hash));
    expect(hashToHex(loaded.hash)).not.toBe(buggy);
  });

  it('with sixteenBit: "low-byte", reads 16-bit files as the C++ CLI does: its hash exactly', async () => {
    const path = fixture('pdq', SIXTEEN_BIT);
    const reference = rows('cpp-fullres.csv').find((r) => r.path === SIXTEEN_BIT)!;
    const loaded = pdqHash(await decodeImage(path, { sixteenBit: 'low-byte' }));
    expect(hashToHex(loaded.hash)).toBe(reference.hex);
    expect(loaded.quality).toBe(reference.quality);
  });

  it('refuses images with a side below 5 px instead of returning a zero hash', async () => {
    const image = await decodeImage(fixture('pdq', TOO_SMALL));
    expect(() => pdqHash(image)).toThrowError(expect.objectContaining({ code: 'ERR_IMAGE_TOO_SMALL' }));
  });

  it('the 16-bit fixture photo hashes close to its 8-bit original', async () => {
    const small = pdqHash(await decodeImage(fixture('photos', 'chelsea-cat-16bit.png'))).hash;
    const { data, info } = await sharp(fixture('photos', 'chelsea-cat.jpg'), { ignoreIcc: true })
      .resize(160)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const reference = pdqHash({ width: info.width, height: info.height, channels: 3, data }).hash;
    let d = 0;
    for (let i = 0; i < 32; i++) d += popcount(small.bytes[i]! ^ reference.bytes[i]!);
    expect(d).toBeLessThanOrEqual(31);
  });
});

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

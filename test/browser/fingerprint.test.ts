/**
 * imprint/browser's fingerprint records, through its pure functions in Node (the Chromium suite,
 * fingerprints.spec.ts, checks fingerprintBlob in a real browser).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fingerprintImageData } from '../../src/browser/fingerprint.js';
import { formatFingerprintRecord } from '../../src/lists/fingerprint-records.js';
import { fingerprintOf } from '../../src/matching/methods/fingerprint.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

/** What a canvas hands back for a file: RGBA, opaque alpha added. */
async function canvasLike(path: string) {
  const { data, info } = await sharp(path, { ignoreIcc: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

describe('fingerprintImageData', () => {
  it.each(['photos/coffee.jpg', 'photos/screenshot-terminal.png', 'photos/low-detail-fog.jpg'])(
    '%s: the same record line as imprint hash --method makes in Node',
    async (name) => {
      const metadata = { id: name };
      const node = formatFingerprintRecord(
        fingerprintOf(getMethod('pdq-max'), await decodeImage(fixture(name)), metadata),
      );
      const browser = formatFingerprintRecord(
        fingerprintImageData(await canvasLike(fixture(name)), { metadata }),
      );
      expect(browser).toBe(node);
    },
  );

  it('makes the record of the method asked for, and refuses an unknown one', async () => {
    const pixels = await canvasLike(fixture('photos', 'coffee.jpg'));
    expect(fingerprintImageData(pixels, { method: 'pdq-bands' }).hashes.map((v) => v.family)).toEqual([
      'plain',
      ...Array(6).fill('bands'),
    ]);
    expect(() => fingerprintImageData(pixels, { method: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_METHOD' }),
    );
  });
});

/**
 * 16-bit images reduced to 8 bits by each rule (see SixteenBitRule in src/sharp/decode.ts), checked
 * against the 16-bit samples read on their own. Which rule serves users is measured by
 * `npx tsx bench/sixteen-bit.ts` (docs/compatibility-and-thresholds.md).
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DecodedImage, decodeImage, type SixteenBitRule } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

let grey16: Buffer;
let rgba16: Buffer;

/** The 16-bit samples of a PNG, as libvips reads them. */
async function samplesOf(png: Buffer, space: 'grey16' | 'rgb16'): Promise<Uint16Array> {
  const { data } = await sharp(png)
    .toColourspace(space)
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
}

beforeAll(async () => {
  sharp.cache(false);
  grey16 = await sharp(fixture('photos', 'coffee.jpg')).resize(120).toColourspace('grey16').png().toBuffer();
  rgba16 = await sharp(fixture('photos', 'alpha-tulips.png'))
    .resize(120)
    .toColourspace('rgb16')
    .png()
    .toBuffer();
});

describe('16-bit images', () => {
  it('scale keeps the high byte, pillow clips grey only, low-byte keeps the low byte', async () => {
    const grey = await samplesOf(grey16, 'grey16');
    const colour = await samplesOf(rgba16, 'rgb16');
    const expected: Record<SixteenBitRule, [(v: number) => number, (v: number) => number]> = {
      scale: [(v) => v >> 8, (v) => v >> 8],
      pillow: [(v) => Math.min(v, 255), (v) => v >> 8],
      'low-byte': [(v) => v & 255, (v) => v & 255],
    };
    for (const [rule, [onGrey, onColour]] of Object.entries(expected) as [
      SixteenBitRule,
      typeof expected.scale,
    ][]) {
      const g: DecodedImage = await decodeImage(grey16, { sixteenBit: rule });
      expect(g.channels).toBe(1);
      expect([...g.data]).toEqual([...grey].map(onGrey));
      const c = await decodeImage(rgba16, { sixteenBit: rule });
      expect(c.channels).toBe(4);
      expect([...c.data]).toEqual([...colour].map(onColour));
    }
    // Real 16-bit content: the rules really differ here.
    expect(grey.some((v) => v > 255 && (v & 255) !== v >> 8)).toBe(true);
  });

  it('the default is scale, the 8-bit reduction libvips makes of colour', async () => {
    const photo = fixture('photos', 'chelsea-cat-16bit.png');
    const byDefault = await decodeImage(photo);
    const { data } = await sharp(photo, { ignoreIcc: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    expect(Buffer.from(byDefault.data).equals(data)).toBe(true);
    expect(Buffer.from((await decodeImage(photo, { sixteenBit: 'scale' })).data).equals(data)).toBe(true);
  });

  it('an unknown rule is ERR_INVALID_ARGUMENT', async () => {
    await expect(decodeImage(grey16, { sixteenBit: 'round' as SixteenBitRule })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

/**
 * The loader's JPEG fast path (a plain 8-bit JPEG recognised from its frame header is decoded at
 * once, without first asking libvips for the header) against the route every other image takes:
 * the same pixels, to the byte, on every fixture JPEG and on generated ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/sharp/decode.js';
import { readJpegFrame } from '../../src/sharp/jpeg-frame.js';
import { fixture } from '../helpers.js';

const jpegFixtures = readdirSync(fixture('photos'))
  .filter((n) => /\.jpe?g$/i.test(n))
  .map((n) => ({ name: n, bytes: readFileSync(fixture('photos', n)) }))
  .filter(({ bytes }) => bytes.length > 0 && bytes[0] === 0xff && bytes[1] === 0xd8);

/** The header-first route, written out here: ask libvips for the header, then read as it says. */
async function headerFirst(bytes: Uint8Array): Promise<{ width: number; height: number; data: Buffer }> {
  const pipeline = sharp(bytes, { ignoreIcc: true, failOn: 'warning', pages: 1, sequentialRead: true });
  const meta = await pipeline.metadata();
  const grey = meta.channels === 1 || meta.space === 'b-w';
  const { data, info } = await (grey ? pipeline.toColourspace('b-w') : pipeline)
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

describe('readJpegFrame', () => {
  it('reads the size and components libvips reads, on every fixture JPEG it accepts', async () => {
    let read = 0;
    for (const { name, bytes } of jpegFixtures) {
      const frame = readJpegFrame(bytes);
      const meta = await sharp(bytes).metadata();
      if (meta.space === 'cmyk') {
        expect(frame, name).toBeNull();
        continue;
      }
      if (!frame) continue;
      read++;
      expect([frame.width, frame.height, frame.components], name).toEqual([
        meta.width,
        meta.height,
        meta.channels,
      ]);
    }
    expect(read).toBeGreaterThanOrEqual(10);
  });

  it('declines what is not a plain 8-bit JPEG', async () => {
    const png = readFileSync(fixture('photos', 'tiny-8x8.png'));
    expect(readJpegFrame(png)).toBeNull();
    expect(readJpegFrame(new Uint8Array(0))).toBeNull();
    expect(readJpegFrame(Uint8Array.of(0xff, 0xd8))).toBeNull();
    const cmyk = readFileSync(fixture('photos', 'coffee-cmyk.jpg'));
    expect(readJpegFrame(cmyk)).toBeNull();
    // The same frame header, claiming 12-bit samples or arithmetic coding.
    const jpeg = await sharp(fixture('photos', 'coffee.jpg')).jpeg({ quality: 80 }).toBuffer();
    const sof = findMarker(jpeg, 0xc0);
    const twelve = Uint8Array.from(jpeg);
    twelve[sof + 4] = 12;
    expect(readJpegFrame(twelve)).toBeNull();
    const arithmetic = Uint8Array.from(jpeg);
    arithmetic[sof + 1] = 0xc9;
    expect(readJpegFrame(arithmetic)).toBeNull();
    const noHeight = Uint8Array.from(jpeg);
    noHeight[sof + 5] = 0;
    noHeight[sof + 6] = 0;
    expect(readJpegFrame(noHeight)).toBeNull();
  });

  it("never throws, and a cut-off file gives nothing or the whole file's frame", () => {
    const whole = readFileSync(fixture('photos', 'chelsea-cat.jpg'));
    const frame = readJpegFrame(whole);
    expect(frame).not.toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), (cut) => {
        const got = readJpegFrame(whole.subarray(0, cut));
        expect(got === null || JSON.stringify(got) === JSON.stringify(frame)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, soi) => {
        const bytes = soi ? Uint8Array.from([0xff, 0xd8, ...tail]) : tail;
        const got = readJpegFrame(bytes);
        if (got) expect([1, 3]).toContain(got.components);
      }),
    );
  });
});

describe('the JPEG fast path gives the pixels of the header-first route', () => {
  it('on every fixture JPEG', async () => {
    for (const { name, bytes } of jpegFixtures) {
      if (!readJpegFrame(bytes)) continue;
      const fast = await decodeImage(bytes).catch((e: unknown) => e);
      const general = await headerFirst(bytes).catch((e: unknown) => e);
      if (general instanceof Error) {
        expect(fast, name).toEqual(expect.objectContaining({ code: 'ERR_IMAGE_CORRUPT' }));
        continue;
      }
      const image = fast as Awaited<ReturnType<typeof decodeImage>>;
      const g = general as Awaited<ReturnType<typeof headerFirst>>;
      expect([image.format, image.pages, image.width, image.height], name).toEqual([
        'jpeg',
        1,
        g.width,
        g.height,
      ]);
      expect(Buffer.from(image.data).equals(g.data), name).toBe(true);
    }
  });

  it('on generated JPEGs: sizes, grey, chroma subsampling, progressive, quality', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          width: fc.integer({ min: 1, max: 200 }),
          height: fc.integer({ min: 1, max: 200 }),
          seed: fc.integer({ min: 0, max: 1000 }),
          grey: fc.boolean(),
          progressive: fc.boolean(),
          subsampling: fc.constantFrom('4:2:0', '4:4:4'),
          quality: fc.integer({ min: 10, max: 100 }),
        }),
        async (p) => {
          const channels = p.grey ? 1 : 3;
          const pixels = Buffer.alloc(p.width * p.height * channels);
          for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 31 + p.seed * 17 + ((i * i) >> 7)) & 255;
          const raw = sharp(pixels, { raw: { width: p.width, height: p.height, channels } });
          const encoder = p.grey ? raw.toColourspace('b-w') : raw; // else sharp writes grey as YCbCr
          const bytes = await encoder
            .jpeg({ quality: p.quality, progressive: p.progressive, chromaSubsampling: p.subsampling })
            .toBuffer();
          expect(readJpegFrame(bytes)?.components).toBe(p.grey ? 1 : 3);
          const fast = await decodeImage(bytes);
          const general = await headerFirst(bytes);
          expect([fast.width, fast.height, fast.channels]).toEqual([p.width, p.height, p.grey ? 1 : 3]);
          expect(Buffer.from(fast.data).equals(general.data)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a JPEG over the pixel limit by its frame header, naming its size', async () => {
    const err = await decodeImage(fixture('photos', 'coffee.jpg'), { maxPixels: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toEqual(expect.objectContaining({ code: 'ERR_IMAGE_TOO_LARGE' }));
    const { width, height } = await sharp(fixture('photos', 'coffee.jpg')).metadata();
    expect((err as Error).message).toContain(`${width}x${height}`);
  });
});

/** Offset of the first `FF <marker>` after the start of image. */
function findMarker(bytes: Uint8Array, marker: number): number {
  for (let i = 2; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === marker) return i;
  throw new Error(`marker ${marker.toString(16)} not found`);
}

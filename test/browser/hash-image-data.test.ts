import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { listAlgorithms } from '../../src/algorithms/registry.js';
import { hashBlob, hashImageData } from '../../src/browser/hash.js';
import { hashToHex } from '../../src/core/hash.js';
import { hashImage } from '../../src/sharp/index.js';
import { fixture } from '../helpers.js';

const PIXEL_ALGORITHMS = listAlgorithms()
  .filter((a) => a.kind === 'perceptual')
  .map((a) => a.name);

const hex = (hashes: Record<string, { algorithm: string; bits: number; bytes: Uint8Array }>) =>
  Object.fromEntries(Object.entries(hashes).map(([name, h]) => [name, hashToHex(h)]));

/** What a canvas hands back for a file: RGBA, opaque alpha added, grey spread to R = G = B. */
async function canvasLike(path: string) {
  const { data, info } = await sharp(path, { ignoreIcc: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({
      resolveWithObject: true,
    });
  return { width: info.width, height: info.height, data: new Uint8ClampedArray(data) };
}

describe('hashImageData (pure, runs in Node too)', () => {
  it.each(['photos/coffee.jpg', 'photos/screenshot-terminal.png'])(
    '%s: RGBA with opaque alpha hashes like the RGB file, for every pixel algorithm',
    async (name) => {
      const node = await hashImage(fixture(name), { algorithms: PIXEL_ALGORITHMS });
      const ours = hashImageData(await canvasLike(fixture(name)), { algorithms: PIXEL_ALGORITHMS });
      expect(hex(ours.hashes)).toEqual(hex(node.hashes));
    },
  );

  it('grey files: exact with `greyscale: true`', async () => {
    const name = fixture('photos', 'text-page-photo.png');
    const node = await hashImage(name, { algorithms: PIXEL_ALGORITHMS });
    const ours = hashImageData(await canvasLike(name), { algorithms: PIXEL_ALGORITHMS, greyscale: true });
    expect(hex(ours.hashes)).toEqual(hex(node.hashes));
  });

  it('exact hashes need the file bytes', () => {
    const image = { width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4) };
    expect(() => hashImageData(image, { algorithms: ['md5'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('hashBlob with a File', () => {
  // Node has File but no createImageBitmap, so decoding stops early: enough to see whose name the error carries.
  const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  const codeAndSource = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (err) {
      return [(err as { code: string }).code, (err as { location?: { source?: string } }).location?.source];
    }
    return undefined;
  };

  it("names the file in errors unless `source` says otherwise (hashFile's old job)", async () => {
    const file = new File([bytes], 'upload.jpg');
    expect((await codeAndSource(hashBlob(file)))?.[1]).toBe('upload.jpg');
    expect((await codeAndSource(hashBlob(file, { source: 'other' })))?.[1]).toBe('other');
    expect(await codeAndSource(hashBlob(new Blob([bytes])))).toEqual([
      'ERR_UNSUPPORTED_ENVIRONMENT',
      undefined,
    ]);
  });
});

/**
 * 16-bit images: how far each way of reducing 16-bit samples to 8 bits moves the PDQ hash from the
 * picture's real content (its samples rounded to 8 bits, `round(v / 257)`), and which one Pillow
 * (so python-threatexchange and HMA) really applies. Pillow is run when `/usr/bin/python3` has it
 * (Debian: `apt-get install python3-pil`); otherwise its column says so.
 *
 *   npx tsx bench/sixteen-bit.ts
 *
 * Pictures: the two 16-bit fixtures, and 16-bit versions of 8-bit fixture photos made three ways
 * with libvips: colour and grey saved as 16-bit (grey as `v * 257`, whose low byte is `v`; colour
 * through its colour conversion, whose low bytes are not), and colour resized by half in 16-bit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import { type Hash, hammingDistance } from '../src/core/hash.js';
import { eightBit, type SixteenBitRule } from '../src/sharp/decode.js';
import { decodeImage } from '../src/sharp/index.js';

const PHOTOS = [
  'coffee.jpg',
  'flower.jpg',
  'astronaut.jpg',
  'landscape-beach.jpg',
  'city-skyline.jpg',
  'text-page-photo.png',
];
const RULES: SixteenBitRule[] = ['scale', 'pillow', 'low-byte'];
const fixture = (p: string) => join(import.meta.dirname, '..', 'fixtures', p);

interface Sample {
  readonly name: string;
  readonly png: Buffer;
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [
    { name: 'chelsea-cat-16bit.png', png: readFileSync(fixture('photos/chelsea-cat-16bit.png')) },
    {
      name: 'sixteen-bit-120x90.png',
      png: readFileSync(fixture('pdq/images/synthetic/sixteen-bit-120x90.png')),
    },
  ];
  for (const photo of PHOTOS) {
    const source = sharp(fixture(`photos/${photo}`), { ignoreIcc: true });
    const { width } = await source.metadata();
    out.push({
      name: `${photo} colour saved as 16-bit`,
      png: await sharp(fixture(`photos/${photo}`))
        .removeAlpha()
        .toColourspace('rgb16')
        .png()
        .toBuffer(),
    });
    out.push({
      name: `${photo} grey saved as 16-bit`,
      png: await sharp(fixture(`photos/${photo}`))
        .toColourspace('grey16')
        .png()
        .toBuffer(),
    });
    out.push({
      name: `${photo} colour resized in 16-bit`,
      png: await sharp(fixture(`photos/${photo}`))
        .removeAlpha()
        .toColourspace('rgb16')
        .resize(Math.round(width! / 2))
        .png()
        .toBuffer(),
    });
  }
  return out;
}

/** The 16-bit samples of a PNG, and the picture's real content at 8 bits. */
async function read(
  png: Buffer,
): Promise<{ samples: Uint16Array; width: number; height: number; channels: 1 | 3 }> {
  const meta = await sharp(png).metadata();
  if (meta.depth !== 'ushort') throw new Error('not 16-bit');
  const grey = meta.channels === 1;
  const { data, info } = await sharp(png, { ignoreIcc: true })
    .toColourspace(grey ? 'grey16' : 'rgb16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  return {
    samples: new Uint16Array(data.buffer, data.byteOffset, data.length / 2),
    width: info.width,
    height: info.height,
    channels: info.channels as 1 | 3,
  };
}

/** Pillow's 8-bit RGB pixels of the file as python-threatexchange gets them, or why not. */
function pillow(path: string): { mode: string; rgb?: Uint8Array; note?: string } {
  const script = `
import sys, numpy as np
from PIL import Image
im = Image.open(sys.argv[1])
mode = im.mode
if mode not in ('RGB', 'RGBA', 'L', 'LA'):
    im = im.convert('RGB')  # what HMA's force_rgb path and most Python tools do; pdqhash takes uint8 only
arr = np.asarray(im.convert('RGB') if im.mode != 'RGB' else im)
sys.stdout.write(mode + '\\n')
sys.stdout.flush()
sys.stdout.buffer.write(arr.astype(np.uint8).tobytes())
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], { maxBuffer: 1 << 28 });
  if (r.status !== 0) return { mode: '-', note: 'Pillow not available' };
  const nl = r.stdout.indexOf(10);
  return { mode: r.stdout.subarray(0, nl).toString(), rgb: new Uint8Array(r.stdout.subarray(nl + 1)) };
}

const dir = mkdtempSync(join(tmpdir(), 'imprint-16bit-'));
const rows: string[] = [];
const totals: Record<string, number[]> = {};
const add = (name: string, d: number): void => {
  totals[name] = [...(totals[name] ?? []), d];
};
try {
  for (const s of await samples()) {
    const { samples: v, width, height, channels } = await read(s.png);
    const hashOf = (data: Uint8Array, c: 1 | 3): Hash => pdqHash({ width, height, channels: c, data }).hash;
    const real = hashOf(
      Uint8Array.from(v, (x) => Math.round(x / 257)),
      channels,
    );
    const distances = RULES.map((rule) =>
      hammingDistance(hashOf(eightBit(v, channels, rule), channels), real),
    );
    const decoded = await decodeImage(s.png);
    const viaDecoder = hammingDistance(
      pdqHash(decoded).hash,
      hashOf(eightBit(v, channels, 'scale'), channels),
    );
    const path = join(dir, 'sample.png');
    writeFileSync(path, s.png);
    const p = pillow(path);
    let pillowCell = p.note ?? '';
    if (p.rgb) {
      const fromPillow = pdqHash({ width, height, channels: 3, data: p.rgb }).hash;
      const same = RULES.filter((rule) => {
        const mine = eightBit(v, channels, rule);
        return (
          mine.length === p.rgb!.length / (3 / channels) &&
          hammingDistance(hashOf(mine, channels), fromPillow) === 0
        );
      });
      pillowCell = `${p.mode}: ${hammingDistance(fromPillow, real)} (= ${same.join(', ') || 'none'})`;
      add('Pillow', hammingDistance(fromPillow, real));
    }
    RULES.forEach((rule, i) => {
      add(rule, distances[i]!);
    });
    rows.push(
      `| ${s.name} | ${channels === 1 ? 'grey' : 'RGB'} | ${distances.join(' | ')} | ${pillowCell} | ${viaDecoder} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log("PDQ bits from the picture's real content, round(v / 257):\n");
console.log(
  `| picture | channels | ${RULES.join(' | ')} | Pillow (mode: bits, same as) | decodeImage vs scale |`,
);
console.log(`| --- | --- | ${RULES.map(() => '---:').join(' | ')} | --- | ---: |`);
for (const r of rows) console.log(r);
console.log('');
for (const [name, list] of Object.entries(totals)) {
  const within = list.filter((d) => d <= 31).length;
  console.log(
    `${name}: median ${list.sort((a, b) => a - b)[Math.floor(list.length / 2)]}, max ${list[list.length - 1]}, within 31 bits: ${within} of ${list.length}`,
  );
}

/**
 * What comparing uploads on their stable PDQ bits (`pdq-stable`) costs per lookup, against the
 * plain lookup at 31 (`pdq-q20`) in the same run, in a MihIndex of N random known hashes. The
 * uploads are the bundled photos re-encoded (most bits stable: a narrow stable search) and
 * smooth stripes (few stable bits: the search is wide and the mask check inside the index does
 * the work). Answers are checked against the pairwise definition on a sample. Not part of
 * `npm test`.
 *
 *   npm run bench:stable -- [--size 1e6] [--rounds 5]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { pdqStableBits } from '../src/algorithms/pdq/pdq-stable.js';
import type { Hash } from '../src/core/hash.js';
import type { PixelImage } from '../src/core/pixels.js';
import { makeRandomUint32 } from '../src/eval/random.js';
import { matchWithMethod, queryHashesFor, scoreAgainst } from '../src/matching/methods/match.js';
import { getMethod } from '../src/matching/methods/methods.js';
import type { VariantHash } from '../src/matching/methods/variants.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { decodeImage } from '../src/sharp/decode.js';

function stripes(width: number, height: number, modulation: number): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wave = 90 * Math.sin(x / 9) + 30 * Math.sin(x / 2.3);
      data.fill(
        Math.round(128 + wave * (1 + modulation * Math.sin(y / 20))),
        (y * width + x) * 3,
        (y * width + x) * 3 + 3,
      );
    }
  }
  return { width, height, channels: 3, data };
}

async function reencoded(image: PixelImage, quality: number): Promise<PixelImage> {
  const raw = { width: image.width, height: image.height, channels: image.channels as 3 };
  return decodeImage(await sharp(image.data, { raw }).jpeg({ quality }).toBuffer());
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { size: { type: 'string', default: '1e6' }, rounds: { type: 'string', default: '5' } },
  });
  const size = Number(values.size);
  const rounds = Number(values.rounds);
  const random = makeRandomUint32(7);
  const index = new MihIndex<string>({ algorithm: 'pdq', bits: 256 });
  const known: Hash[] = [];
  for (let i = 0; i < size; i++) {
    const bytes = new Uint8Array(32);
    for (let b = 0; b < 32; b++) bytes[b] = random() & 0xff;
    known.push({ algorithm: 'pdq', bits: 256, bytes });
  }
  index.addAll(known.map((hash, i) => ({ hash, metadata: `k${i}` })));

  // The bundled photos that decode (the folder also holds broken files for the error tests).
  const photos: PixelImage[] = [];
  for (const f of readdirSync('fixtures/photos').sort()) {
    try {
      photos.push(await decodeImage(join('fixtures/photos', f)));
    } catch {}
  }
  const groups: { name: string; uploads: VariantHash[][] }[] = [
    {
      name: `${photos.length} photos, JPEG q75`,
      uploads: await Promise.all(
        photos.map(async (p) => queryHashesFor(getMethod('pdq-q20'), await reencoded(p, 75))),
      ),
    },
    {
      name: 'stripes, JPEG q30',
      uploads: [queryHashesFor(getMethod('pdq-q20'), await reencoded(stripes(288, 192, 0.1), 30))],
    },
  ];
  // Plant each upload's known hash so that every lookup has a true match to find.
  for (const g of groups) for (const u of g.uploads) index.add(u[0]!.hash, 'planted');

  const plain = getMethod('pdq-q20');
  const stable = getMethod('pdq-stable');
  process.stdout.write(
    `MihIndex of ${size.toLocaleString('en')} random hashes; ms per upload lookup (best of ${rounds})\n\n`,
  );
  process.stdout.write(
    '| uploads | stable bits | pdq-q20 (plain at 31) | pdq-stable | ratio |\n| --- | ---: | ---: | ---: | ---: |\n',
  );
  for (const g of groups) {
    const time = (method: typeof plain): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        for (const u of g.uploads) matchWithMethod(index, method, u);
        best = Math.min(best, (performance.now() - t0) / g.uploads.length);
      }
      return best;
    };
    const tPlain = time(plain);
    const tStable = time(stable);
    // The answers, checked against the pairwise definition on the first 20,000 known hashes.
    for (const u of g.uploads) {
      const got = new Set(matchWithMethod(index, stable, u).map((m) => m.metadata));
      for (let j = 0; j < Math.min(size, 20_000); j++) {
        const k: VariantHash = {
          family: 'plain',
          label: 'plain',
          hash: known[j]!,
          stable: pdqStableBits(new Float32Array(256)),
        };
        if (scoreAgainst(stable, u, [k]) <= stable.threshold !== got.has(`k${j}`))
          throw new Error(`mismatch at k${j}`);
      }
    }
    const bits = g.uploads.map((u) => u[0]!.stable.count).sort((a, b) => a - b);
    process.stdout.write(
      `| ${g.name} | ${bits[0]}-${bits[bits.length - 1]} | ${tPlain.toFixed(2)} | ${tStable.toFixed(2)} | ${(tStable / tPlain).toFixed(1)}x |\n`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));

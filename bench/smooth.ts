/**
 * False pairs on smooth pictures, where PDQ is weakest: random stripes, gradients and rings
 * (seeded), every one compared with every other under each matching method. Every pair is two
 * different pictures, so every match is a false one; the ratio is against plain PDQ at 31 in the
 * same run. Many pairs are two pictures alike to the eye (two gradients the same way), which any
 * perceptual hash should match, so the matches between UNLIKE pictures (32x32 thumbnails
 * correlated below {@link UNLIKE_BELOW} however one is turned or mirrored) are counted apart:
 * those are the real risk. The
 * development corpus (`imprint eval`) has few such pictures, so this is where a method that
 * trusts too few bits shows it. Not part of `npm test`.
 *
 *   npm run bench:smooth -- [--count 400] [--seeds 3,4] [--methods pdq,pdq-q20,...]
 */
import { parseArgs } from 'node:util';
import type { PixelImage } from '../src/core/pixels.js';
import { makeRandomUint32 } from '../src/eval/random.js';
import { knownHashesFor, queryHashesFor, scoreAgainst } from '../src/matching/methods/match.js';
import { getMethod, METHODS } from '../src/matching/methods/methods.js';
import { ImageVariants } from '../src/matching/methods/variants.js';

const WIDTH = 288;
const HEIGHT = 192;

/** Picture `i` of a seeded set: stripes, a gradient or rings (by i mod 3), contrast swelling down the picture. */
function smoothPicture(i: number, random: () => number): PixelImage {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  const period = 2 + random() * 20;
  const fine = 0.5 + random() * 5;
  const phase = random() * 6;
  const swell = random() * 0.3;
  const swellPeriod = 10 + random() * 60;
  const slant = random() * 0.4 - 0.2;
  const colour = [random(), random(), random()].map((x) => 60 + x * 120);
  const centre = WIDTH * random();
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let t: number;
      if (i % 3 === 0) t = Math.sin((x + slant * y) / period + phase) + 0.4 * Math.sin(x / fine);
      else if (i % 3 === 1)
        t = (x / WIDTH) * Math.cos(phase) + (y / HEIGHT) * Math.sin(phase) + 0.2 * Math.sin(x / period);
      else t = Math.sin(Math.hypot(x - centre, y - HEIGHT / 2) / (period * 3) + phase);
      const m = 1 + swell * Math.sin(y / swellPeriod);
      for (let c = 0; c < 3; c++) {
        data[(y * WIDTH + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[c]! + 60 * t * m)));
      }
    }
  }
  return { width: WIDTH, height: HEIGHT, channels: 3, data };
}

/** Thumbnails correlated below this are unlike pictures. */
const UNLIKE_BELOW = 0.5;

/** A 32x32 grey thumbnail (box averages), scaled to mean 0 and deviation 1. */
function thumbnail(image: PixelImage): Float64Array {
  const t = new Float64Array(32 * 32);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const o = (y * image.width + x) * 3;
      const cell = Math.floor((y * 32) / image.height) * 32 + Math.floor((x * 32) / image.width);
      t[cell]! += image.data[o]! + image.data[o + 1]! + image.data[o + 2]!;
    }
  }
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  const deviation = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length) || 1;
  return t.map((v) => (v - mean) / deviation);
}

/**
 * How alike two pictures look: the best correlation of their thumbnails over the 8 ways of
 * turning and mirroring one of them (a turned copy of a picture alike to another once turned is
 * what `pdq-dihedral` is meant to find, not a false pair between unlike pictures).
 */
function likeness(a: Float64Array, b: Float64Array): number {
  let best = Number.NEGATIVE_INFINITY;
  for (let turn = 0; turn < 8; turn++) {
    let sum = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        // (x, y) turned by `turn & 3` quarter turns, mirrored when turn >= 4
        let u = turn >= 4 ? 31 - x : x;
        let v = y;
        for (let q = 0; q < (turn & 3); q++) [u, v] = [31 - v, u];
        sum += a[v * 32 + u]! * b[y * 32 + x]!;
      }
    }
    best = Math.max(best, sum / 1024);
  }
  return best;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '400' },
      seeds: { type: 'string', default: '3,4' },
      methods: { type: 'string', default: METHODS.map((m) => m.name).join(',') },
    },
  });
  const count = Number(values.count);
  const seeds = values.seeds.split(',').map(Number);
  const methods = values.methods.split(',').map(getMethod);
  process.stdout.write(
    `False pairs among ${count} smooth pictures per seed (${(count * (count - 1)).toLocaleString('en')} ordered pairs each)\n\n`,
  );
  process.stdout.write(
    `| method | ${seeds.map((s) => `seed ${s}`).join(' | ')} | all | x plain PDQ | unlike pictures | x plain PDQ |\n`,
  );
  process.stdout.write(`| --- | ${seeds.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |\n`);
  const sets = seeds.map((seed) => {
    const random32 = makeRandomUint32(seed);
    const random = () => random32() / 2 ** 32;
    return Array.from({ length: count }, (_, i) => new ImageVariants(smoothPicture(i, random)));
  });
  const thumbnails = sets.map((pictures) => pictures.map((p) => thumbnail(p.image)));
  let alike = 0;
  for (const t of thumbnails) {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < count; j++) if (i !== j && likeness(t[i]!, t[j]!) >= UNLIKE_BELOW) alike++;
    }
  }
  let plain: { all: number; unlike: number } | undefined;
  const ratio = (n: number, base: number | undefined) => (base ? `${(n / base).toFixed(1)}x` : '-');
  for (const method of methods) {
    const perSeed = sets.map((pictures, s) => {
      const queries = pictures.map((p) => queryHashesFor(method, p));
      const known = pictures.map((p) => knownHashesFor(method, p));
      let falsePairs = 0;
      let unlike = 0;
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < count; j++) {
          if (i === j || scoreAgainst(method, queries[i]!, known[j]!) > method.threshold) continue;
          falsePairs++;
          if (likeness(thumbnails[s]![i]!, thumbnails[s]![j]!) < UNLIKE_BELOW) unlike++;
        }
      }
      return { falsePairs, unlike };
    });
    const all = perSeed.reduce((a, b) => a + b.falsePairs, 0);
    const unlike = perSeed.reduce((a, b) => a + b.unlike, 0);
    if (method.name === 'pdq') plain = { all, unlike };
    process.stdout.write(
      `| \`${method.name}\` | ${perSeed.map((p) => p.falsePairs).join(' | ')} | ${all} | ${ratio(all, plain?.all)} | ${unlike} | ${ratio(unlike, plain?.unlike)} |\n`,
    );
  }
  process.stdout.write(
    `\n${alike.toLocaleString('en')} of the ${(seeds.length * count * (count - 1)).toLocaleString('en')} ordered pairs are alike (thumbnails correlated >= ${UNLIKE_BELOW}, turned or mirrored to fit best).\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));

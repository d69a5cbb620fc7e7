/**
 * Recall of brightened and darkened copies at several strengths, where `imprint eval` tries only
 * +30%: whether `pdq-tones` (flattened highlights) helps with brightening in general or only at
 * the strength it was measured on. Each original of the development corpus (`bench/prepare-corpus.ts`)
 * is changed with sharp's `modulate({ brightness })` and re-encoded as JPEG q90, then scored against
 * its own original only (false pairs are the evaluation's job). Not part of `npm test`.
 *
 *   npm run bench:brightness -- [--dir bench/corpus/images] [--count 1069] [--levels 1.15,1.3,1.5,1.8,0.7]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { evenSubset, listImages, loadOriginals } from '../src/eval/corpus.js';
import { knownHashesFor, queryHashesFor, scoreAgainst } from '../src/matching/methods/match.js';
import { getMethod } from '../src/matching/methods/methods.js';
import type { MatchMethod } from '../src/matching/methods/types.js';
import { ImageVariants } from '../src/matching/methods/variants.js';
import { decodeImage } from '../src/sharp/decode.js';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string', default: 'bench/corpus/images' },
      count: { type: 'string' },
      levels: { type: 'string', default: '1.15,1.3,1.5,1.8,0.7' },
    },
  });
  const paths = evenSubset(await listImages(values.dir), values.count ? Number(values.count) : undefined);
  const { originals } = await loadOriginals(values.dir, paths);
  if (originals.length === 0) throw new Error(`No images under ${values.dir} (run bench/prepare-corpus.ts)`);
  const max = getMethod('pdq-max');
  const methods: MatchMethod[] = [
    getMethod('pdq'),
    { ...max, name: 'pdq-max without pdq-tones', rules: max.rules.filter((r) => r.known !== 'tones') },
    max,
  ];
  const levels = values.levels.split(',').map(Number);
  const found = levels.map(() => methods.map(() => 0));
  for (const [n, o] of originals.entries()) {
    const known = knownHashesFor(max, new ImageVariants(o.image));
    for (const [l, brightness] of levels.entries()) {
      const copy = await sharp(o.image.bytes).modulate({ brightness }).jpeg({ quality: 90 }).toBuffer();
      const query = queryHashesFor(max, new ImageVariants(await decodeImage(copy)));
      methods.forEach((m, i) => {
        if (scoreAgainst(m, query, known) <= m.threshold) found[l]![i]!++;
      });
    }
    process.stderr.write(`\r${n + 1}/${originals.length}`);
  }
  process.stderr.write('\n');
  const pct = (k: number) => `${((100 * k) / originals.length).toFixed(1)}%`;
  process.stdout.write(
    `Copies found at 31 among ${originals.length} originals (each against its own original)\n\n`,
  );
  process.stdout.write(`| brightness | ${methods.map((m) => `\`${m.name}\``).join(' | ')} |\n`);
  process.stdout.write(`| --- | ${methods.map(() => '---:').join(' | ')} |\n`);
  levels.forEach((b, l) => {
    process.stdout.write(`| x${b} | ${found[l]!.map(pct).join(' | ')} |\n`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));

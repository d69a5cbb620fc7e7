import sharp, { type Sharp } from 'sharp';
import { PDQ_MIN_QUALITY } from '../../algorithms/pdq/pdq.js';
import { textPath } from '../../eval/block-font.js';
import { FlatIndex } from '../../matching/flat-index.js';
import { matchHash } from '../../matching/match.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  matchWithMethod,
  queryHashesFor,
  wholePictureMatches,
} from '../../matching/methods/match.js';
import { DEFAULT_METHOD, getMethod } from '../../matching/methods/methods.js';
import { ImageVariants } from '../../matching/methods/variants.js';
import type { HashIndex } from '../../matching/types.js';
import { mapFiles } from '../../sharp/batch.js';
import { decodeImage } from '../../sharp/decode.js';
import { intOption, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { expandInputs } from '../inputs.js';
import { writeLine } from '../output.js';

const help = `Usage: imprint demo [--holdout <n>] <dir>

The main job end to end on a folder of images: hash every image into a "known" index (PDQ, plus
the crops, bands, flattened highlights and pHashes the default method ${DEFAULT_METHOD} stores),
make altered copies on the fly (resized, recompressed, brightened, captioned, framed, mirrored,
rotated, cropped), match them with plain PDQ at 31 and with ${DEFAULT_METHOD}, and check that the
last <n> images (held out, never in the list) match nothing. Broken files in the folder are
reported and skipped, as a batch would.

Options:
  --holdout <n>   images kept out of the known list as unrelated uploads (default 3)`;

type Edit = { name: string; apply: (img: Sharp, w: number, h: number) => Sharp };

const caption = (w: number, h: number) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="black"/>${textPath('reposted', { x: 10, y: h * 0.7, size: Math.round(h * 0.6), attributes: 'fill="white"' })}</svg>`,
  );

const EDITS: Edit[] = [
  { name: 'resized to 50%', apply: (img, w) => img.resize(Math.round(w / 2)) },
  { name: 'JPEG quality 30', apply: (img) => img.jpeg({ quality: 30 }) },
  { name: 'brightness +20%', apply: (img) => img.modulate({ brightness: 1.2 }) },
  {
    name: 'caption bar over the top',
    apply: (img, w, h) => img.composite([{ input: caption(w, Math.round(h / 10)), top: 0, left: 0 }]),
  },
  {
    name: 'white border 10%',
    apply: (img, w, h) => {
      const x = Math.round(w / 10);
      const y = Math.round(h / 10);
      return img.extend({ top: y, bottom: y, left: x, right: x, background: '#ffffff' });
    },
  },
  { name: 'mirrored', apply: (img) => img.flop() },
  { name: 'rotated 90°', apply: (img) => img.rotate(90) },
  { name: 'rotated 4°', apply: (img) => img.rotate(4, { background: '#000000' }) },
  {
    name: 'cropped to 90%',
    apply: (img, w, h) => {
      const width = Math.round(w * 0.9);
      const height = Math.round(h * 0.9);
      return img.extract({
        left: Math.floor((w - width) / 2),
        top: Math.floor((h - height) / 2),
        width,
        height,
      });
    },
  },
];

/** `imprint demo`. */
const demoCommand: Command = {
  name: 'demo',
  summary: 'hash a folder into a known list, alter copies, match them (npm start runs this)',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseCommandArgs(args, { holdout: { type: 'string' } } as const);
    const dir = parsed.positionals[0];
    if (parsed.positionals.length !== 1 || dir === undefined)
      throw new UsageError('give exactly one directory');
    const holdout = intOption(parsed.values.holdout, '--holdout', 3);
    const say = (line: string) => writeLine(io.stdout, line);

    const files: string[] = [];
    for await (const p of expandInputs([dir], { cwd: io.cwd, recursive: true, onProblem: () => {} }))
      files.push(p);
    const method = getMethod(DEFAULT_METHOD);
    const good: { path: string; variants: ImageVariants }[] = [];
    await say(`1. Hashing ${files.length} images in ${dir} with PDQ`);
    const decoded = mapFiles(files, async (path) => new ImageVariants(await decodeImage(path)), {
      signal: io.signal,
    });
    for await (const r of decoded) {
      if (!r.ok) {
        await say(`   skipped ${r.path}: ${r.error.code}`);
        continue;
      }
      const quality = r.value.exact.quality;
      if (quality < PDQ_MIN_QUALITY) {
        await say(`   skipped ${r.path}: quality ${quality} is below ${PDQ_MIN_QUALITY}, too weak to list`);
        continue;
      }
      good.push({ path: r.path, variants: r.value });
    }
    if (good.length <= holdout) throw new UsageError(`need more than ${holdout} hashable images in ${dir}`);
    const known = good.slice(0, good.length - holdout);
    const unrelated = good.slice(good.length - holdout);
    // One index for both: plain PDQ ignores the derived hashes stored for the method.
    const index: HashIndex<string | KnownVariantMetadata<string>> = new FlatIndex();
    for (const k of known) index.addAll(knownEntriesFor(method, k.variants, k.path));
    await say(
      `2. Known list: ${known.length} images (${index.size} distinct hashes with ${method.name}'s derived hashes; held out as unrelated uploads: ${unrelated.length})`,
    );

    // The folder may hold the same picture in several files (e.g. JPEG and WebP): any of them is a
    // correct answer as long as the original is among the matches.
    const plainFinds = (v: ImageVariants): string[] =>
      wholePictureMatches(matchHash(index, v.exact.hash).matches).flatMap((x) => x.metadata);
    const methodFinds = (v: ImageVariants): string[] =>
      matchWithMethod(index, method, queryHashesFor(method, v)).map((m) => m.metadata);

    await say(
      `3. Altered copies of the ${known.length} known images, matched by plain PDQ at 31 and by ${method.name}:`,
    );
    const tries = EDITS.length * known.length;
    let plainHits = 0;
    let methodHits = 0;
    const misses: string[] = [];
    await say(`   ${'edit'.padEnd(26)} ${'plain PDQ'.padEnd(10)} ${method.name}`);
    for (const edit of EDITS) {
      let plain = 0;
      let ours = 0;
      for (const k of known) {
        if (io.signal.aborted) return EXIT.INTERRUPTED;
        const meta = await sharp(k.path).metadata();
        const altered = await edit.apply(sharp(k.path), meta.width ?? 1, meta.height ?? 1).toBuffer();
        const variants = new ImageVariants(await decodeImage(altered));
        if (plainFinds(variants).includes(k.path)) plain++;
        if (methodFinds(variants).includes(k.path)) ours++;
        else misses.push(`${k.path} ${edit.name}`);
      }
      plainHits += plain;
      methodHits += ours;
      await say(
        `   ${edit.name.padEnd(26)} ${`${plain}/${known.length}`.padEnd(10)} ${ours}/${known.length}`,
      );
    }
    for (const miss of misses) await say(`   ${method.name} missed: ${miss}`);
    await say('4. Unrelated uploads (must match nothing):');
    let falseHits = 0;
    for (const u of unrelated) {
      const found = [...new Set([...plainFinds(u.variants), ...methodFinds(u.variants)])];
      falseHits += found.length;
      await say(`   ${u.path} -> ${found.length === 0 ? 'no match (correct)' : `FALSE MATCH ${found[0]}`}`);
    }
    await say(
      `Summary: altered copies matched their original: plain PDQ ${plainHits}/${tries}, ${method.name} ${methodHits}/${tries}; ${falseHits} false matches.`,
    );
    return falseHits === 0 ? EXIT.OK : EXIT.SOME_FAILED;
  },
};

export default demoCommand;

import sharp, { type Sharp } from 'sharp';
import type { Hash } from '../../core/hash.js';
import { FlatIndex } from '../../matching/flat-index.js';
import { matchHash } from '../../matching/match.js';
import { hashFiles } from '../../sharp/batch.js';
import { hashImage } from '../../sharp/hash-image.js';
import { intOption, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { expandInputs } from '../inputs.js';
import { writeLine } from '../output.js';

const help = `Usage: imprint demo [--holdout <n>] <dir>

The main job end to end on a folder of images: hash every image into a "known" list (PDQ), make
altered copies on the fly (resized, recompressed, brightened, captioned, mirrored, rotated), match
them against the list, and check that the last <n> images (held out, never in the list) match
nothing. Broken files in the folder are reported and skipped, as a batch would.

Options:
  --holdout <n>   images kept out of the known list as unrelated uploads (default 3)`;

type Edit = { name: string; dihedral: boolean; apply: (img: Sharp, w: number, h: number) => Sharp };

const EDITS: Edit[] = [
  { name: 'resized to 50%', dihedral: false, apply: (img, w) => img.resize(Math.round(w / 2)) },
  { name: 'JPEG quality 30', dihedral: false, apply: (img) => img.jpeg({ quality: 30 }) },
  { name: 'brightness +20%', dihedral: false, apply: (img) => img.modulate({ brightness: 1.2 }) },
  {
    name: 'caption bar',
    dihedral: false,
    apply: (img, w, h) =>
      img.composite([
        {
          input: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${Math.round(h / 10)}"><rect width="100%" height="100%" fill="black"/><text x="10" y="70%" font-size="${Math.round(h / 16)}" fill="white">reposted</text></svg>`,
          ),
          top: 0,
          left: 0,
        },
      ]),
  },
  { name: 'mirrored (dihedral query)', dihedral: true, apply: (img) => img.flop() },
  { name: 'rotated 90° (dihedral query)', dihedral: true, apply: (img) => img.rotate(90) },
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
    const good: { path: string; hash: Hash }[] = [];
    const index = new FlatIndex<string>();
    await say(`1. Hashing ${files.length} images in ${dir} with PDQ`);
    for await (const r of hashFiles(files, { signal: io.signal })) {
      if (!r.ok) {
        await say(`   skipped ${r.path}: ${r.error.code}`);
        continue;
      }
      const pdq = r.result.hashes.pdq!;
      if ((pdq.quality ?? 0) < 50) {
        await say(`   skipped ${r.path}: quality ${pdq.quality} is below 50, too weak to list`);
        continue;
      }
      good.push({ path: r.path, hash: pdq });
    }
    if (good.length <= holdout) throw new UsageError(`need more than ${holdout} hashable images in ${dir}`);
    const known = good.slice(0, good.length - holdout);
    const unrelated = good.slice(good.length - holdout);
    for (const k of known) index.add(k.hash, k.path);
    await say(
      `2. Known list: ${known.length} images, ${index.size} distinct hashes (held out as unrelated uploads: ${unrelated.length})`,
    );

    await say(`3. Altered copies of the ${known.length} known images, matched at distance <= 31:`);
    let hits = 0;
    let tries = 0;
    const misses: string[] = [];
    await say(`   ${'edit'.padEnd(30)} ${'matched'.padEnd(9)} median distance`);
    for (const edit of EDITS) {
      const distances: number[] = [];
      for (const k of known) {
        if (io.signal.aborted) return EXIT.INTERRUPTED;
        const meta = await sharp(k.path).metadata();
        const altered = await edit.apply(sharp(k.path), meta.width ?? 1, meta.height ?? 1).toBuffer();
        const result = await hashImage(altered, { dihedral: edit.dihedral });
        const m = matchHash(index, result.hashes.pdq!, result.dihedral ? { variants: result.dihedral } : {});
        tries++;
        // The folder may hold the same picture in several files (e.g. JPEG and WebP): any of
        // them is a correct answer as long as the original is among the matches.
        const own = m.matches.find((x) => x.metadata.includes(k.path));
        if (own) {
          hits++;
          distances.push(own.distance);
        } else {
          const why = m.skipped ? `quality ${result.hashes.pdq!.quality} < 50` : 'no match within 31';
          misses.push(`${k.path} ${edit.name}: ${why}`);
        }
      }
      distances.sort((a, b) => a - b);
      const median = distances.length ? String(distances[Math.floor(distances.length / 2)]) : '-';
      await say(`   ${edit.name.padEnd(30)} ${`${distances.length}/${known.length}`.padEnd(9)} ${median}`);
    }
    for (const miss of misses) await say(`   missed: ${miss}`);
    await say('4. Unrelated uploads (must match nothing):');
    let falseHits = 0;
    for (const u of unrelated) {
      const m = matchHash(index, u.hash);
      falseHits += m.matches.length;
      await say(
        `   ${u.path} -> ${m.matches.length === 0 ? 'no match (correct)' : `FALSE MATCH ${m.matches[0]!.metadata[0]}`}`,
      );
    }
    await say(`Summary: ${hits}/${tries} altered copies matched their original; ${falseHits} false matches.`);
    return falseHits === 0 ? EXIT.OK : EXIT.SOME_FAILED;
  },
};

export default demoCommand;

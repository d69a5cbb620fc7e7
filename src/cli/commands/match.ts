import { resolve } from 'node:path';
import { getAlgorithm } from '../../algorithms/registry.js';
import { ImprintError } from '../../core/errors.js';
import type { LocalFeatureIndex } from '../../features/feature-index.js';
import { trustedStoredFamilies } from '../../matching/methods/fingerprint.js';
import type { KnownFeatureOwner } from '../../matching/methods/local.js';
import { DEFAULT_METHOD } from '../../matching/methods/methods.js';
import { featureFileOf, loadFeatureIndex } from '../../node/feature-file.js';
import { mapFiles } from '../../sharp/batch.js';
import { SIXTEEN_BIT_RULES } from '../../sharp/decode.js';
import { createMatcher, matchRecord } from '../../sharp/match-image.js';
import { choiceOption, intOption, listSourceOptions, parseCommandArgs } from '../args.js';
import { BatchReport, messageWithoutPath } from '../batch-report.js';
import { type CliIo, type Command, KnownUnusable, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { checkStdinUse } from '../inputs.js';
import { loadKnownIndex, stdinOf } from '../known.js';
import { imageMatchRow } from '../match-rows.js';
import { lowQualityNote, methodOption } from '../methods.js';
import { writeLine } from '../output.js';
import { runVideoMatch, withoutVideoFlag } from '../video.js';
import { WORKERS_HELP, workersOption } from '../workers.js';

const help = `Usage: imprint match (--list <file> | --index <file>) [options] <file|dir|->...

Hashes each image and prints the known hashes it matches. PDQ uploads are matched with the
method ${DEFAULT_METHOD} unless --method or --dihedral says otherwise (see 'imprint eval'): the upload
is also hashed turned, mirrored, cut out of a frame, turned back by small angles and, when small,
enlarged. This is what matchImage() in imprint/sharp does, with the same defaults and results.
Text output: one line per match, "path<TAB>distance<TAB>known-hash<TAB>metadata", followed with a
method by "<TAB>query-variant<TAB>known-variant"; images without a match print nothing. With --json,
one object per input, in input order: {"path","algorithm","method","hash","quality","skipped",
"matches":[{"hash","distance","metadata":[...][,"orientation"]}]}, per match also "score",
"comparedBits","query","known" with a method; "skipped" is "low-quality" or null; "metadata" is
always a list; "orientation" names the rotation/flip that matched with --dihedral. An input that
failed is {"path","error":{"code","message"}} (and reported on stderr). '-' is standard input
(an image, or the list with --list -).

Options:
  --list <file>          a hash list in any format 'imprint index --help' lists (detected from its
                         first lines: plain hex, CSV/TSV, ThreatExchange, pdq-photo-hasher, HMA,
                         StopNCII, Tech Against Terrorism, vPDQ, NDJSON/JSON, fingerprint
                         records...). A list without a usable hash is refused (ERR_LIST_EMPTY, exit 4)
  --format <f>           the list's format, when detection is not wanted (auto by default)
  --hash-column <name>   CSV/TSV: the column holding the hashes
  --index <file>         an index file made by 'imprint index build'
  --algo <name>          algorithm of the list (default pdq; an index file knows its own)
  --lenient              skip malformed list lines (each reported on stderr) instead of stopping
  --skip-other-types     skip rows the list types as another algorithm (e.g. StopNCII VideoMD5
                         records in a PDQ list; counted on stderr) instead of stopping
  --keep-weak            keep list hashes below PDQ quality 50 (refused and counted by default)
  --max-distance <n>     largest Hamming distance that matches (default: the algorithm's, 31 for PDQ)
  --min-quality <n>      PDQ uploads below this quality are not matched (default 50 for --method pdq,
                         20 for the other methods; 0 = all)
  --dihedral             plain PDQ, also matching rotated (90/180/270) and mirrored copies
  --method <name>        pdq (plain PDQ at 31, the reference's matching), pdq-q20, pdq-dihedral,
                         pdq-trim, pdq-derotate, pdq-enlarge, pdq-stable (the upload compared on
                         the bits it is sure of), pdq-plus (these work with any list),
                         pdq-crops, pdq-bands, pdq-tones, pdq-witness, pdq-max (default:
                         pdq-plus, plus the crops, bands, flattened highlights and pHashes an
                         index built with 'imprint index build --images --method pdq-max'
                         stores); pdq-local (pdq-max plus local features: needs --index and the
                         <index>.features file 'index build --method pdq-local' writes), local
                         (local features alone); --max-distance sets a method's threshold (its
                         derived comparisons stay that much stricter)
  --json                 NDJSON output, one object per input
  -r, --recursive        match the images in directories
  --auto-orient          apply EXIF orientation before hashing (default off, as the references)
  --sixteen-bit <rule>   16-bit uploads: scale (default, v >> 8), pillow or low-byte, to match a
                         list made by a tool that reads them so (see 'imprint hash --help')
${WORKERS_HELP}
  --video                videos against known vPDQ hashes ('imprint video match', see 'imprint video --help')

Exit: 0 when any input matched (even if others failed: each failure is on stderr and, with --json,
in the output), 1 when none matched, 3 when some inputs failed and none matched, 4 when the list or
index is unusable.`;

/** `imprint match`. */
const matchCommand: Command = {
  name: 'match',
  summary: 'match images against a hash list or index',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    if (args.includes('--video')) return runVideoMatch(withoutVideoFlag(args), io);
    const { values, positionals } = parse(args);
    if ((values.list === undefined) === (values.index === undefined)) {
      throw new UsageError('give exactly one of --list <file> or --index <file>');
    }
    if (positionals.length === 0) throw new UsageError('no input files');
    checkStdinUse(positionals, values.list);
    if ((values.format !== undefined || values['hash-column'] !== undefined) && values.list === undefined)
      throw new UsageError('--format and --hash-column work with --list');
    const sixteenBit = choiceOption(values['sixteen-bit'], '--sixteen-bit', SIXTEEN_BIT_RULES, 'scale');
    const algorithmName = values.algo ?? 'pdq';
    try {
      getAlgorithm(algorithmName);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const minQuality =
      values['min-quality'] === undefined ? undefined : intOption(values['min-quality'], '--min-quality', 0);
    const maxDistance =
      values['max-distance'] === undefined
        ? undefined
        : intOption(values['max-distance'], '--max-distance', 0);
    workersOption(values.workers);

    const { index, summary } = await loadKnownIndex(
      values.list !== undefined
        ? {
            kind: 'list',
            path: values.list,
            algorithm: algorithmName,
            lenient: values.lenient ?? false,
            skipOtherTypes: values['skip-other-types'] ?? false,
            keepWeak: values['keep-weak'] ?? false,
            ...listSourceOptions(values),
          }
        : { kind: 'index', path: values.index! },
      io,
    );
    io.stderr.write(`${summary}\n`);
    if (index.algorithm !== algorithmName && values.list === undefined && values.algo !== undefined) {
      throw new UsageError(`the index holds ${index.algorithm} hashes, not ${algorithmName}`);
    }
    if (values.dihedral && index.algorithm !== 'pdq') throw new UsageError('--dihedral works with pdq only');
    if (values.method !== undefined && index.algorithm !== 'pdq')
      throw new UsageError('--method works with pdq lists and indexes only');
    if (values.method !== undefined && values.method !== 'pdq' && values.dihedral)
      throw new UsageError('--method and --dihedral do not combine (use --method pdq-dihedral)');
    // Local features live beside an index built from images with such a method; a list has none.
    let features: LocalFeatureIndex<KnownFeatureOwner<unknown>> | undefined;
    if (values.method !== undefined && methodOption(values.method).local) {
      if (values.index === undefined) {
        throw new UsageError(
          `--method ${values.method} needs an index built with 'imprint index build --images <dir> --method ${values.method}' (local features are not in hash lists)`,
        );
      }
      const path = featureFileOf(values.index);
      try {
        features = await loadFeatureIndex<KnownFeatureOwner<unknown>>(resolve(io.cwd, path));
      } catch (err) {
        // Without its features the index cannot answer for this method: unusable (exit 4), as a
        // damaged index is, never "no match".
        if (err instanceof ImprintError) throw new KnownUnusable(err);
        throw err;
      }
      io.stderr.write(
        `imprint match: ${path}: ${features.size} images, ${features.descriptorCount} local features\n`,
      );
    }
    // An index file that records no derivation version (format 1) is matched on its plain hashes.
    trustedStoredFamilies(index, (families, version) =>
      io.stderr.write(
        `imprint match: the index (format ${version}) records no derivation version, so its derived hashes (${families.join(', ')}) are not used, only its plain hashes; rebuild it (imprint index build --images <dir> --method <name>) to use them\n`,
      ),
    );

    // The library's matcher, so the CLI and matchImage cannot disagree: PDQ uploads are matched
    // with the default method unless told otherwise; `--method pdq` and `--dihedral` are plain PDQ.
    const matcher = createMatcher(index, {
      ...(values.method === undefined ? {} : { method: values.method }),
      dihedral: values.dihedral ?? false,
      autoOrient: values['auto-orient'] ?? false,
      sixteenBit,
      ...(maxDistance === undefined ? {} : { maxDistance }),
      ...(minQuality === undefined ? {} : { minQuality }),
      ...(features ? { features } : {}),
    });
    const withColumns = matcher.plan.method !== undefined;
    const json = values.json ?? false;
    const batch = new BatchReport('match', io);
    const paths = batch.paths(positionals, values.recursive ?? false, { inOrder: true });
    const work = (path: string) => {
      const refused = batch.refusal(path);
      if (refused) return Promise.reject(refused);
      return matcher.match(path === '-' ? stdinOf(io) : resolve(io.cwd, path), { signal: io.signal });
    };
    let matchedImages = 0;
    try {
      for await (const r of mapFiles(paths, work, { signal: io.signal })) {
        if (!r.ok) {
          batch.failFile(r.path, r.error);
          // In the output stream too, in input order: a consumer of --json sees every input.
          if (json) {
            const error = { code: r.error.code, message: messageWithoutPath(r.path, r.error) };
            await writeLine(io.stdout, JSON.stringify({ path: r.path, error }));
          }
          batch.finished();
          continue;
        }
        const result = r.value;
        if (result.matches.length > 0) matchedImages++;
        if (result.skipped) {
          batch.progress.clear();
          io.stderr.write(lowQualityNote(r.path, result.quality ?? undefined, matcher.plan.minQuality));
        }
        if (json) await writeLine(io.stdout, JSON.stringify(matchRecord(result, r.path)));
        else {
          for (const m of result.matches) await writeLine(io.stdout, imageMatchRow(r.path, m, withColumns));
        }
        batch.finished();
      }
    } catch (err) {
      batch.progress.clear();
      if (!io.signal.aborted) throw err;
    }
    if (io.signal.aborted) {
      batch.progress.clear();
      io.stderr.write(
        `imprint match: interrupted after ${batch.done} files (${matchedImages} matched); the output so far is complete lines\n`,
      );
      return EXIT.INTERRUPTED;
    }
    const failed = batch.summarize();
    // A match is never hidden by a failure: the failures are on stderr (and in --json).
    if (matchedImages > 0) return EXIT.OK;
    return failed ? EXIT.SOME_FAILED : EXIT.NO_MATCH;
  },
};

export default matchCommand;

function parse(args: string[]) {
  return parseCommandArgs(args, {
    list: { type: 'string' },
    index: { type: 'string' },
    algo: { type: 'string' },
    lenient: { type: 'boolean' },
    'skip-other-types': { type: 'boolean' },
    'max-distance': { type: 'string' },
    'min-quality': { type: 'string' },
    dihedral: { type: 'boolean' },
    method: { type: 'string' },
    json: { type: 'boolean' },
    recursive: { type: 'boolean', short: 'r' },
    'auto-orient': { type: 'boolean' },
    'keep-weak': { type: 'boolean' },
    workers: { type: 'string' },
    format: { type: 'string' },
    'hash-column': { type: 'string' },
    'sixteen-bit': { type: 'string' },
  } as const);
}

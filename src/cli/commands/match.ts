import { DIHEDRAL_NAMES } from '../../algorithms/pdq.js';
import { getAlgorithm } from '../../algorithms/registry.js';
import { hashToHex } from '../../core/hash.js';
import type { LocalFeatureIndex } from '../../features/feature-index.js';
import { matchHash } from '../../matching/match.js';
import type { HashIndex, Match } from '../../matching/types.js';
import type { KnownFeatureOwner } from '../../methods/local.js';
import { wholePictureMatches } from '../../methods/match.js';
import { DEFAULT_METHOD } from '../../methods/methods.js';
import { featureFileOf, loadFeatureIndex } from '../../node/feature-file.js';
import { hashFiles } from '../../sharp/batch.js';
import { intOption, parseCommandArgs } from '../args.js';
import { BatchReport } from '../batch-report.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { loadKnownIndex } from '../known.js';
import { lowQualityNote, matchFilesWithMethod, methodOption } from '../methods.js';
import { writeLine } from '../output.js';
import { runVideoMatch, withoutVideoFlag } from '../video.js';

const help = `Usage: imprint match (--list <file> | --index <file>) [options] <file|dir>...

Hashes each image and prints the known hashes it matches. PDQ uploads are matched with the
method ${DEFAULT_METHOD} unless --method or --dihedral says otherwise (see 'imprint eval'): the upload
is also hashed turned, mirrored, cut out of a frame, turned back by small angles and, when small,
enlarged. Text output:
one line per match, "path<TAB>distance<TAB>known-hash<TAB>metadata", followed with a method by
"<TAB>query-variant<TAB>known-variant"; images without a match print nothing. With --json, one
object per image: {"path","algorithm","hash","quality","skipped","matches":[{"hash","distance",
"metadata"[,"orientation"]}]}, plus "method" and, per match, "score","query","known" with a method;
"orientation" names the rotation/flip that matched with --dihedral.

Options:
  --list <file>          a hash list (plain hex, hash,metadata, CSV with a hash/pdq/signal column,
                         ThreatExchange, StopNCII or NDJSON records; detected automatically)
  --index <file>         an index file made by 'imprint index build'
  --algo <name>          algorithm of the list (default pdq; an index file knows its own)
  --lenient              skip malformed list lines (each reported on stderr) instead of stopping
  --skip-other-types     skip rows the list types as another algorithm (e.g. StopNCII VideoMD5
                         records in a PDQ list; counted on stderr) instead of stopping
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
  --json                 NDJSON output, one object per image
  -r, --recursive        match the images in directories
  --auto-orient          apply EXIF orientation before hashing (default off, as the references)
  --video                videos against known vPDQ hashes ('imprint video match', see 'imprint video --help')`;

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
    const algorithmName = values.algo ?? 'pdq';
    try {
      getAlgorithm(algorithmName);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const minQuality = intOption(values['min-quality'], '--min-quality', 50);
    const maxDistance =
      values['max-distance'] === undefined
        ? undefined
        : intOption(values['max-distance'], '--max-distance', 0);

    const index: HashIndex<unknown> = await loadKnownIndex(
      values.list !== undefined
        ? {
            kind: 'list',
            path: values.list,
            algorithm: algorithmName,
            lenient: values.lenient ?? false,
            skipOtherTypes: values['skip-other-types'] ?? false,
          }
        : { kind: 'index', path: values.index! },
      io,
    );
    if (index.algorithm !== algorithmName && values.list === undefined && values.algo !== undefined) {
      throw new UsageError(`the index holds ${index.algorithm} hashes, not ${algorithmName}`);
    }
    if (values.dihedral && index.algorithm !== 'pdq') throw new UsageError('--dihedral works with pdq only');
    if (values.method !== undefined && index.algorithm !== 'pdq')
      throw new UsageError('--method works with pdq lists and indexes only');
    // PDQ uploads are matched with the default method unless told otherwise; `--method pdq` and
    // `--dihedral` are plain PDQ (the reference's matching, with its rotations and mirrors).
    const methodName =
      values.method ?? (index.algorithm === 'pdq' && !values.dihedral ? DEFAULT_METHOD : undefined);
    if (methodName !== undefined && methodName !== 'pdq') {
      const method = methodOption(methodName);
      if (values.dihedral)
        throw new UsageError('--method and --dihedral do not combine (use --method pdq-dihedral)');
      // Local features live beside an index built from images with such a method; a list has none.
      let features: LocalFeatureIndex<KnownFeatureOwner<unknown>> | undefined;
      if (method.local) {
        if (values.index === undefined) {
          throw new UsageError(
            `--method ${method.name} needs an index built with 'imprint index build --images <dir> --method ${method.name}' (local features are not in hash lists)`,
          );
        }
        const path = featureFileOf(values.index);
        features = await loadFeatureIndex<KnownFeatureOwner<unknown>>(path);
        io.stderr.write(
          `imprint match: ${path}: ${features.size} images, ${features.descriptorCount} local features\n`,
        );
      }
      const { matched, failed } = await matchFilesWithMethod(
        index,
        method,
        positionals,
        {
          recursive: values.recursive ?? false,
          json: values.json ?? false,
          autoOrient: values['auto-orient'] ?? false,
          ...(maxDistance === undefined ? {} : { threshold: maxDistance }),
          ...(values['min-quality'] === undefined ? {} : { minQuality }),
        },
        io,
        features,
      );
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      if (failed) return EXIT.SOME_FAILED;
      return matched > 0 ? EXIT.OK : EXIT.NO_MATCH;
    }

    const batch = new BatchReport('match', io);
    let matchedImages = 0;
    const paths = batch.paths(positionals, values.recursive ?? false);
    try {
      for await (const r of hashFiles(paths, {
        algorithms: [index.algorithm],
        dihedral: values.dihedral ?? false,
        autoOrient: values['auto-orient'] ?? false,
        signal: io.signal,
      })) {
        batch.finished();
        if (!r.ok) {
          batch.failFile(r.path, r.error);
          continue;
        }
        const hash = r.result.hashes[index.algorithm]!;
        const plain = matchHash(index, hash, {
          minQuality,
          ...(maxDistance === undefined ? {} : { maxDistance }),
          ...(r.result.dihedral ? { variants: r.result.dihedral } : {}),
        });
        // An index built with --method pdq-max also holds derived hashes: plain matching ignores them.
        const result = { ...plain, matches: wholePictureMatches(plain.matches) };
        if (result.matches.length > 0) matchedImages++;
        if (result.skipped) {
          batch.progress.clear();
          io.stderr.write(lowQualityNote(r.path, hash.quality, minQuality));
        }
        if (values.json) {
          await writeLine(
            io.stdout,
            JSON.stringify({
              path: r.path,
              algorithm: hash.algorithm,
              hash: hashToHex(hash),
              quality: hash.quality ?? null,
              skipped: result.skipped,
              matches: result.matches.map(matchRecord),
            }),
          );
        } else {
          for (const m of result.matches) {
            await writeLine(
              io.stdout,
              `${r.path}\t${m.distance}\t${hashToHex(m.hash)}\t${metadataText(m.metadata)}`,
            );
          }
        }
      }
    } catch (err) {
      batch.progress.clear();
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      throw err;
    }
    if (batch.summarize()) return EXIT.SOME_FAILED;
    return matchedImages > 0 ? EXIT.OK : EXIT.NO_MATCH;
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
  } as const);
}

function matchRecord(m: Match<unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = {
    hash: hashToHex(m.hash),
    distance: m.distance,
    metadata: m.metadata,
  };
  if (m.variant !== undefined) base.orientation = DIHEDRAL_NAMES[m.variant];
  return base;
}

/** Metadata as one text field: strings as they are, anything else as JSON, several joined by " | ". */
function metadataText(metadata: readonly unknown[]): string {
  return metadata
    .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
    .join(' | ')
    .replace(/[\t\n\r]/g, ' ');
}

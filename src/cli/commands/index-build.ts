import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getAlgorithm } from '../../algorithms/registry.js';
import { ImprintError } from '../../core/errors.js';
import { FlatIndex } from '../../matching/flat-index.js';
import { MihIndex } from '../../matching/mih-index.js';
import { openAtomicFile } from '../../node/atomic-file.js';
import { saveIndex } from '../../node/index-file.js';
import { intOption, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { KnownUnusable, loadKnownIndex } from '../known.js';
import { addImagesToIndex, methodOption } from '../methods.js';
import { WORKERS_HELP, workersOption } from '../workers.js';

const help = `Usage: imprint index build (--list <file> | --images <dir>) -o <index> [options]

Builds an index file from a hash list, for 'imprint match --index <index>': the list is read and
checked once, identical hashes are stored once with all their metadata, and the multi-index
tables are saved with it, so loading the index costs about one read of the file. The file is
written atomically (a temporary file renamed into place). A summary goes to stderr.

Options:
  --list <file>          the hash list (plain hex, hash,metadata, CSV with a hash/pdq/signal column,
                         ThreatExchange, StopNCII or NDJSON records; detected automatically)
  --images <dir>         hash the images under <dir> (recursively) instead, each with its file name
                         as metadata, storing whatever extra hashes --method needs (PDQ)
  --method <name>        with --images: the matching method to store hashes for (default pdq: the
                         plain hash only; pdq-crops stores crops, pdq-bands bands, pdq-tones
                         flattened highlights, pdq-witness pHashes, pdq-max all of them;
                         see imprint eval)
  -o, --output <file>    the index file to write
  --algo <name>          algorithm of the list (default pdq)
  --flat                 a flat index without multi-index tables (smaller; fine for small lists)
  --max-distance <n>     default match distance stored in the index (default: the algorithm's)
  --lenient              skip malformed list lines (each reported on stderr) instead of stopping
  --skip-other-types     skip rows the list types as another algorithm instead of stopping
  --keep-weak            keep known hashes below PDQ quality 50 (flat pictures, whose hashes match
                         other flat pictures): by default they are refused, each image named and
                         counted on stderr (list hashes count when the list gives their quality)
${WORKERS_HELP}

A list or folder that yields no usable hash (empty, comments or a header only, every line skipped,
every row another algorithm, every image weak or broken) writes nothing: ERR_LIST_EMPTY, exit 4.`;

/** `imprint index build`: a hash list to an index file. */
const indexCommand: Command = {
  name: 'index',
  summary: 'build an index file from a hash list (imprint index build)',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = args;
    if (sub !== 'build') {
      throw new UsageError(sub === undefined ? 'missing sub-command: build' : `unknown sub-command "${sub}"`);
    }
    const { values, positionals } = parse(rest);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.list === !values.images)
      throw new UsageError('give exactly one of --list <file> or --images <dir>');
    if (values.method !== undefined && !values.images) throw new UsageError('--method works with --images');
    if (!values.output) throw new UsageError('-o <index> is required');
    let algorithm: ReturnType<typeof getAlgorithm>;
    try {
      algorithm = getAlgorithm(values.algo ?? 'pdq');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const maxDistance = intOption(values['max-distance'], '--max-distance', algorithm.defaultThreshold);
    const outPath = resolve(io.cwd, values.output);
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    workersOption(values.workers);
    const keepWeak = values['keep-weak'] ?? false;
    // Refused before any work: -o onto a directory or into a missing one.
    await (await openAtomicFile(outPath, { what: 'index' })).abandon();

    if (values.images) {
      if (algorithm.name !== 'pdq') throw new UsageError('--images hashes with pdq (leave out --algo)');
      const method = methodOption(values.method ?? 'pdq');
      const options = { algorithm: algorithm.name, bits: algorithm.bits, defaultMaxDistance: maxDistance };
      const index = values.flat ? new FlatIndex<unknown>(options) : new MihIndex<unknown>(options);
      const added = await addImagesToIndex(index, values.images, method, { keepWeak }, io);
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      const weak = added.weak ? `, ${added.weak} below PDQ quality 50 ${keepWeak ? 'kept' : 'refused'}` : '';
      if (index.size === 0) {
        // An index without a hash would answer "no" to every upload.
        throw new KnownUnusable(
          new ImprintError(
            'ERR_LIST_EMPTY',
            `No usable image (${added.images} added, ${added.failed} failed${weak}): the index is not written`,
            { location: { source: values.images } },
          ),
        );
      }
      await saveIndex(index, outPath, { signal: io.signal });
      const { size } = await stat(outPath);
      io.stderr.write(
        `imprint index: ${values.images}: ${added.images} images, ${added.hashes} hashes for method ${method.name} ` +
          `(${index.size} distinct${weak}) -> ${values.output} (${index.kind}, ${size} bytes) in ${seconds()} s\n`,
      );
      return added.failed > 0 ? EXIT.SOME_FAILED : EXIT.OK;
    }
    // The list is read and checked as 'imprint match --list' reads it (a line without metadata is
    // known by its line number); one without a usable hash is refused before anything is written.
    const { index, summary } = await loadKnownIndex(
      {
        kind: 'list',
        path: values.list!,
        algorithm: algorithm.name,
        lenient: values.lenient ?? false,
        skipOtherTypes: values['skip-other-types'] ?? false,
        keepWeak,
        flat: values.flat ?? false,
        maxDistance,
      },
      io,
      'index',
    );
    if (io.signal.aborted) return EXIT.INTERRUPTED;
    await saveIndex(index, outPath, { signal: io.signal });
    const { size } = await stat(outPath);
    io.stderr.write(`${summary} -> ${values.output} (${index.kind}, ${size} bytes) in ${seconds()} s\n`);
    return EXIT.OK;
  },
};

function parse(args: string[]) {
  return parseCommandArgs(args, {
    list: { type: 'string' },
    images: { type: 'string' },
    method: { type: 'string' },
    output: { type: 'string', short: 'o' },
    algo: { type: 'string' },
    flat: { type: 'boolean' },
    'max-distance': { type: 'string' },
    lenient: { type: 'boolean' },
    'skip-other-types': { type: 'boolean' },
    'keep-weak': { type: 'boolean' },
    workers: { type: 'string' },
  } as const);
}

export default indexCommand;

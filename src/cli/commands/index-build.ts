import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getAlgorithm } from '../../algorithms/registry.js';
import { LocalFeatureIndex } from '../../features/feature-index.js';
import { FlatIndex } from '../../matching/flat-index.js';
import { MihIndex } from '../../matching/mih-index.js';
import type { KnownFeatureOwner } from '../../methods/local.js';
import { featureFileOf, saveFeatureIndex } from '../../node/feature-file.js';
import { readHashListFile } from '../../node/hash-list-file.js';
import { saveIndex } from '../../node/index-file.js';
import { intOption, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { addImagesToIndex, methodOption } from '../methods.js';

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
                         pdq-local pdq-max's and local features, in <output>.features;
                         see imprint eval)
  -o, --output <file>    the index file to write
  --algo <name>          algorithm of the list (default pdq)
  --flat                 a flat index without multi-index tables (smaller; fine for small lists)
  --max-distance <n>     default match distance stored in the index (default: the algorithm's)
  --lenient              skip malformed list lines (each reported on stderr) instead of stopping
  --skip-other-types     skip rows the list types as another algorithm instead of stopping`;

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

    const options = { algorithm: algorithm.name, bits: algorithm.bits, defaultMaxDistance: maxDistance };
    const index = values.flat ? new FlatIndex<unknown>(options) : new MihIndex<unknown>(options);
    if (values.images) {
      if (algorithm.name !== 'pdq') throw new UsageError('--images hashes with pdq (leave out --algo)');
      const method = methodOption(values.method ?? 'pdq');
      // A method with local features stores them beside the index, in <index>.features.
      const features = method.local ? new LocalFeatureIndex<KnownFeatureOwner<unknown>>() : undefined;
      const added = await addImagesToIndex(index, values.images, method, io, features);
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      await saveIndex(index, outPath, { signal: io.signal });
      const { size } = await stat(outPath);
      let local = '';
      if (features) {
        const { bytes } = await saveFeatureIndex(features, featureFileOf(outPath), { signal: io.signal });
        local = `, ${features.descriptorCount} local features -> ${featureFileOf(values.output)} (${bytes} bytes)`;
      }
      io.stderr.write(
        `imprint index: ${values.images}: ${added.images} images, ${added.hashes} hashes for method ${method.name} ` +
          `(${index.size} distinct) -> ${values.output} (${index.kind}, ${size} bytes)${local} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return added.failed > 0 ? EXIT.SOME_FAILED : EXIT.OK;
    }
    const listPath = resolve(io.cwd, values.list!);
    const reader = readHashListFile(listPath, {
      algorithm: algorithm.name,
      lenient: values.lenient ?? false,
      otherAlgorithms: values['skip-other-types'] ? 'skip' : 'error',
      signal: io.signal,
      onProblem: (err) => io.stderr.write(`imprint index: skipped ${err.message}\n`),
    });
    // As 'imprint match --list' does: a line without metadata (plain hex) is known by its line number.
    for await (const batch of reader.batches()) {
      index.addAll(batch.map((e) => ({ hash: e.hash, metadata: e.metadata ?? { line: e.line } })));
    }
    if (io.signal.aborted) return EXIT.INTERRUPTED;
    await saveIndex(index, outPath, { signal: io.signal });

    const s = reader.stats;
    const { size } = await stat(outPath);
    const extras = [
      s.skipped ? `${s.skipped} malformed lines skipped` : '',
      s.filtered ? `${s.filtered} rows of other hash types skipped` : '',
      s.withdrawn ? `${s.withdrawn} withdrawn records skipped` : '',
    ].filter(Boolean);
    io.stderr.write(
      `imprint index: ${values.list}: ${s.entries} hashes (${index.size} distinct, format ${s.format ?? 'empty'})` +
        `${extras.length ? `; ${extras.join('; ')}` : ''} -> ${values.output} ` +
        `(${index.kind}, ${size} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
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
  } as const);
}

export default indexCommand;

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getAlgorithm } from '../../algorithms/registry.js';
import { ImprintError } from '../../core/errors.js';
import { LocalFeatureIndex } from '../../features/feature-index.js';
import { READ_FORMATS, WRITE_FORMATS } from '../../lists/formats/index.js';
import type { HashListWriteFormat } from '../../lists/types.js';
import type { HashListWriteEntry } from '../../lists/write.js';
import { FlatIndex } from '../../matching/flat-index.js';
import { indexPropertiesFor } from '../../matching/methods/fingerprint.js';
import type { KnownFeatureOwner } from '../../matching/methods/local.js';
import { MihIndex } from '../../matching/mih-index.js';
import { openAtomicFile } from '../../node/atomic-file.js';
import { featureFileOf, saveFeatureIndex } from '../../node/feature-file.js';
import { writeHashListFile } from '../../node/hash-list-file.js';
import { saveIndex } from '../../node/index-file.js';
import { SIXTEEN_BIT_RULES } from '../../sharp/decode.js';
import { choiceOption, intOption, listSourceOptions, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { KnownUnusable, loadKnownIndex } from '../known.js';
import { addImagesToIndex, methodOption } from '../methods.js';
import { WORKERS_HELP, workersOption } from '../workers.js';

/** `text` wrapped at 100 columns, each line indented by `indent` spaces. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > 100) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

const help = `Usage: imprint index build (--list <file> | --images <dir>) -o <index> [options]

Builds an index file from a hash list, for 'imprint match --index <index>': the list is read and
checked once, identical hashes are stored once with all their metadata, and the multi-index
tables are saved with it, so loading the index costs about one read of the file. The file is
written atomically (a temporary file renamed into place). A summary goes to stderr.

Options:
  --list <file>          the hash list, its format detected from its first lines (or --format):
${wrap(READ_FORMATS.join(', '), 25)}; or fingerprint records from 'imprint hash --method' (their
                         derived hashes are stored too, as --images --method would)
  --format <f>           the list's format, when detection is not wanted (auto by default)
  --hash-column <name>   CSV/TSV: the column holding the hashes
  --images <dir>         hash the images under <dir> (recursively) instead, each with its file name
                         as metadata, storing whatever extra hashes --method needs (PDQ)
  --method <name>        with --images: the matching method to store hashes for (default pdq: the
                         plain hash only; pdq-crops stores crops, pdq-bands bands, pdq-tones
                         flattened highlights, pdq-witness pHashes, pdq-max all of them;
                         pdq-local pdq-max's and local features, in <output>.features;
                         see imprint eval)
  --sixteen-bit <rule>   with --images, 16-bit images: scale (default, v >> 8), pillow or low-byte,
                         as 'imprint hash' reads them (see its help)
  -o, --output <file>    the index file to write
  --algo <name>          algorithm of the list (default pdq)
  --flat                 a flat index without multi-index tables (smaller; fine for small lists)
  --max-distance <n>     default match distance stored in the index (default: the algorithm's)
  --lenient              skip malformed list lines (each reported on stderr) instead of stopping
  --skip-other-types     skip rows the list types as another algorithm instead of stopping
  --keep-weak            keep known hashes below PDQ quality 50 (flat pictures, whose hashes match
                         other flat pictures): by default they are refused, each image named and
                         counted on stderr (list hashes count when the list gives their quality)
  --export <file>        also write the known hashes as a hash list another tool imports (each
                         image's plain hash with its path, or each list entry as read)
  --export-format <f>    its format (default ndjson):
${wrap(WRITE_FORMATS.join(', '), 25)}
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
    if ((values.format !== undefined || values['hash-column'] !== undefined) && !values.list)
      throw new UsageError('--format and --hash-column work with --list');
    if (values['export-format'] !== undefined && !values.export)
      throw new UsageError('--export-format needs --export <file>');
    const exportFormat = choiceOption(values['export-format'], '--export-format', WRITE_FORMATS, 'ndjson');
    const exported: HashListWriteEntry[] = [];
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
    const sixteenBit = choiceOption(values['sixteen-bit'], '--sixteen-bit', SIXTEEN_BIT_RULES, 'scale');
    if (values['sixteen-bit'] !== undefined && !values.images)
      throw new UsageError('--sixteen-bit works with --images');
    // Refused before any work: -o onto a directory or into a missing one.
    await (await openAtomicFile(outPath, { what: 'index' })).abandon();

    if (values.images) {
      if (algorithm.name !== 'pdq') throw new UsageError('--images hashes with pdq (leave out --algo)');
      const method = methodOption(values.method ?? 'pdq');
      const options = { algorithm: algorithm.name, bits: algorithm.bits, defaultMaxDistance: maxDistance };
      const index = values.flat ? new FlatIndex<unknown>(options) : new MihIndex<unknown>(options);
      // A method with local features stores them beside the index, in <index>.features.
      const features = method.local ? new LocalFeatureIndex<KnownFeatureOwner<unknown>>() : undefined;
      const added = await addImagesToIndex(
        index,
        values.images,
        method,
        {
          keepWeak,
          sixteenBit,
          // The plain hash of each image (what other tools can match), for --export.
          onAdded: (entries) => {
            if (values.export) for (const e of entries) if (typeof e.metadata === 'string') exported.push(e);
          },
          ...(features ? { features } : {}),
        },
        io,
      );
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
      await saveIndex(index, outPath, { signal: io.signal, properties: indexPropertiesFor(method) });
      await exportList(values.export, exported, exportFormat, io);
      const { size } = await stat(outPath);
      let local = '';
      if (features) {
        const { bytes } = await saveFeatureIndex(features, featureFileOf(outPath), { signal: io.signal });
        local = `, ${features.descriptorCount} local features -> ${featureFileOf(values.output)} (${bytes} bytes)`;
      }
      io.stderr.write(
        `imprint index: ${values.images}: ${added.images} images, ${added.hashes} hashes for method ${method.name} ` +
          `(${index.size} distinct${weak}) -> ${values.output} (${index.kind}, ${size} bytes)${local} in ${seconds()} s\n`,
      );
      return added.failed > 0 ? EXIT.SOME_FAILED : EXIT.OK;
    }
    // The list is read and checked as 'imprint match --list' reads it (a line without metadata is
    // known by its line number); one without a usable hash is refused before anything is written.
    const { index, summary, method } = await loadKnownIndex(
      {
        kind: 'list',
        path: values.list!,
        algorithm: algorithm.name,
        lenient: values.lenient ?? false,
        skipOtherTypes: values['skip-other-types'] ?? false,
        keepWeak,
        flat: values.flat ?? false,
        maxDistance,
        ...listSourceOptions(values),
        ...(values.export ? { onEntries: (entries) => exported.push(...entries) } : {}),
      },
      io,
      'index',
    );
    if (io.signal.aborted) return EXIT.INTERRUPTED;
    // Fingerprint records: the index records their method and derivation version.
    await saveIndex(index, outPath, {
      signal: io.signal,
      ...(method === undefined ? {} : { properties: indexPropertiesFor(method) }),
    });
    await exportList(values.export, exported, exportFormat, io);
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
    'sixteen-bit': { type: 'string' },
    workers: { type: 'string' },
    format: { type: 'string' },
    'hash-column': { type: 'string' },
    export: { type: 'string' },
    'export-format': { type: 'string' },
  } as const);
}
/** Writes `--export` (atomically), reporting what it wrote on stderr. */
async function exportList(
  path: string | undefined,
  entries: readonly HashListWriteEntry[],
  format: HashListWriteFormat,
  io: CliIo,
): Promise<void> {
  if (path === undefined) return;
  const result = await writeHashListFile(resolve(io.cwd, path), entries, {
    format,
    ...(format === 'csv' ? { columns: csvColumns(entries) } : {}),
  });
  io.stderr.write(`imprint index: ${path}: ${result.entries} hashes as ${format}\n`);
}

/** CSV columns for the exported entries: every metadata key (a string metadata is a "metadata" column). */
function csvColumns(entries: readonly HashListWriteEntry[]): string[] {
  const columns = new Set<string>();
  for (const { metadata } of entries) {
    if (typeof metadata === 'string') columns.add('metadata');
    else if (metadata && typeof metadata === 'object' && !Array.isArray(metadata))
      for (const key of Object.keys(metadata)) columns.add(key);
  }
  return [...columns];
}

export default indexCommand;

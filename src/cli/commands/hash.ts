import { once } from 'node:events';
import { readFile, truncate } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { DIHEDRAL_NAMES } from '../../algorithms/pdq/pdq.js';
import { getAlgorithm } from '../../algorithms/registry.js';
import { hashToHex } from '../../core/hash.js';
import { WRITE_FORMATS } from '../../lists/formats/index.js';
import type { HashListWriter } from '../../lists/write.js';
import { openAtomicFile } from '../../node/atomic-file.js';
import { type FileResult, mapFiles } from '../../sharp/batch.js';
import { SIXTEEN_BIT_RULES } from '../../sharp/decode.js';
import { type HashImageOptions, hashImage } from '../../sharp/hash-image.js';
import { choiceOption, intOption, listOption, parseCommandArgs } from '../args.js';
import { BatchReport } from '../batch-report.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { checkStdinUse, stdinOf } from '../inputs.js';
import { writeLine } from '../output.js';
import { WORKERS_HELP, workersOption } from '../workers.js';

const help = `Usage: imprint hash [options] <file|dir|->...

Hashes images. One line per image: "hash,quality,path" (the PDQ reference CLI's format), or one
JSON object per line with --json. Files that fail are reported on stderr with their error code;
the others still print. '-' reads one image from standard input.

Options:
  --algo <names>         algorithms, comma-separated (default pdq); several need --json.
                         Known: see 'imprint algorithms'
  --flavour <f>          PDQ flavour: fullres (default) or cli512 (the C++ CLI's 512x512 squash)
  --dihedral             also print PDQ's 8 rotation/flip hashes (JSON field "dihedral", in the
                         order ${DIHEDRAL_NAMES.join(', ')})
  --json                 NDJSON: {"path","algorithm","hash","quality"} (several algorithms:
                         {"path","hashes":{name:hex},"quality"})
  --list-format <f>      write a hash list another tool imports, the path as metadata where the
                         format has room: threatexchange ("pdq <hash>", python-threatexchange's
                         file format), hma ({"pdq":"<hash>"}, HMA's bank signal import), stopncii
                         (StopNCII hash records), pdq-photo-hasher (hash,quality,path), pdq-int64,
                         plain, hash-metadata, csv or ndjson
  --method <name>        fingerprint records to share instead (NDJSON, one per image): the plain
                         PDQ hash plus the derived hashes the matching method stores (pdq-max:
                         crops, bands, flattened highlights, pHash), for 'imprint index build
                         --list' or 'imprint match --list' where the images are not
  -r, --recursive        hash the images in directories (by file name extension), sorted
  -o, --output <file>    write to <file> (appears only when complete; <file>.partial meanwhile)
  --resume               continue an interrupted -o run: skip files already in <file>.partial
  --auto-orient          apply EXIF orientation (default off, as the reference hashers)
  --sixteen-bit <rule>   16-bit images: scale (default: v >> 8, the picture as it looks, as Pillow/HMA
                         read colour), pillow (16-bit grey clipped to 255 as Pillow's convert does)
                         or low-byte (v & 255, as the C++ pdq-photo-hasher reads them)
  --max-pixels <n>       refuse images with more pixels (default 100000000)
  --concurrency <n>      images decoded at once (default: cores + 1)
${WORKERS_HELP}
  --video                videos instead: vPDQ frame hashes ('imprint video hash', see 'imprint video --help')`;

/** `imprint hash`. */
const hashCommand: Command = {
  name: 'hash',
  summary: 'hash images (PDQ by default; --algo for others)',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    // Loaded only for what a run uses: video, --method and --list-format bring their own code.
    if (args.includes('--video')) {
      const { runVideoHash, withoutVideoFlag } = await import('../video.js');
      return runVideoHash(withoutVideoFlag(args), io);
    }
    const { values, positionals } = parse(args);
    const algorithms = listOption(values.algo, ['pdq']);
    for (const name of algorithms) {
      try {
        getAlgorithm(name);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
    const json = values.json ?? false;
    if (algorithms.length > 1 && !json) throw new UsageError('several algorithms need --json');
    if (values.dihedral && !algorithms.includes('pdq'))
      throw new UsageError('--dihedral needs pdq among --algo');
    if (values.resume && !values.output) throw new UsageError('--resume needs -o <file>');
    const list = await listWriter(
      values['list-format'],
      algorithms,
      json || values.dihedral === true || values.resume === true,
    );
    if (positionals.length === 0) throw new UsageError('no input files');
    checkStdinUse(positionals);
    const method =
      values.method === undefined ? undefined : (await import('../methods.js')).methodOption(values.method);
    if (
      method &&
      ((values.algo ?? 'pdq') !== 'pdq' || values.dihedral || (values.flavour ?? 'fullres') !== 'fullres')
    )
      throw new UsageError(
        '--method makes PDQ fingerprint records: leave out --algo, --dihedral and --flavour',
      );
    const flavour = choiceOption(values.flavour, '--flavour', ['fullres', 'cli512'] as const, 'fullres');
    const sixteenBit = choiceOption(values['sixteen-bit'], '--sixteen-bit', SIXTEEN_BIT_RULES, 'scale');
    const maxPixels = intOption(values['max-pixels'], '--max-pixels', 100_000_000, 1);
    const concurrency =
      values.concurrency === undefined ? undefined : intOption(values.concurrency, '--concurrency', 1, 1);
    workersOption(values.workers);

    const output = values.output
      ? await openOutput(resolve(io.cwd, values.output), values.resume ?? false)
      : undefined;
    const out = output?.stream ?? io.stdout;
    const batch = new BatchReport('hash', io);
    const paths = batch.paths(positionals, values.recursive ?? false);
    const todo = output?.alreadyDone.size ? skipDone(paths, output.alreadyDone, io.cwd) : paths;
    try {
      if (method) {
        const options = { autoOrient: values['auto-orient'] ?? false, maxPixels, sixteenBit };
        const { writeFingerprints } = await import('../fingerprints.js');
        await writeFingerprints(method, { out, paths: todo, batch }, { ...options, concurrency }, io);
      } else {
        const options: HashImageOptions = {
          algorithms,
          pdqFlavour: flavour,
          dihedral: values.dihedral ?? false,
          autoOrient: values['auto-orient'] ?? false,
          maxPixels,
          sixteenBit,
          signal: io.signal,
          // One image: hashed in this thread. A worker thread would start a second Node context
          // and load sharp and the hashing code again, for nothing to overlap with.
          ...(values.workers === undefined && positionals.length === 1 && !values.recursive
            ? { workers: false }
            : {}),
        };
        const work = (path: string) => hashImage(path === '-' ? stdinOf(io) : resolve(io.cwd, path), options);
        for await (const r of mapFiles(todo, work, {
          signal: io.signal,
          ...(concurrency === undefined ? {} : { concurrency }),
        })) {
          const result: FileResult = r.ok ? { path: r.path, index: r.index, ok: true, result: r.value } : r;
          if (result.ok && list) {
            const text = list.write({
              hash: result.result.hashes[algorithms[0]!]!,
              metadata: listMetadata(list, result.path),
            });
            if (!out.write(text)) await once(out, 'drain');
          } else if (result.ok) await writeLine(out, formatResult(result, algorithms, json));
          else batch.failFile(result.path, result.error);
          batch.finished();
        }
      }
    } catch (err) {
      batch.progress.clear();
      if (io.signal.aborted) {
        await output?.close(false);
        io.stderr.write(
          `imprint hash: interrupted after ${batch.done} files; rerun with --resume to continue\n`,
        );
        return EXIT.INTERRUPTED;
      }
      await output?.close(false);
      throw err;
    }
    if (list) out.write(list.end());
    await output?.close(true);
    return batch.summarize() ? EXIT.SOME_FAILED : EXIT.OK;
  },
};

export default hashCommand;

function parse(args: string[]) {
  return parseCommandArgs(args, {
    algo: { type: 'string' },
    flavour: { type: 'string' },
    dihedral: { type: 'boolean' },
    method: { type: 'string' },
    json: { type: 'boolean' },
    recursive: { type: 'boolean', short: 'r' },
    output: { type: 'string', short: 'o' },
    resume: { type: 'boolean' },
    'auto-orient': { type: 'boolean' },
    'sixteen-bit': { type: 'string' },
    'max-pixels': { type: 'string' },
    concurrency: { type: 'string' },
    'list-format': { type: 'string' },
    workers: { type: 'string' },
  } as const);
}

/**
 * The writer of `--list-format`, checked up front: one algorithm, no --json/--dihedral/--resume,
 * and an algorithm the format's tool has a type for (a trial write of a zero hash says).
 */
async function listWriter(
  format: string | undefined,
  algorithms: readonly string[],
  conflicting: boolean,
): Promise<HashListWriter | undefined> {
  if (format === undefined) return undefined;
  const name = choiceOption(format, '--list-format', WRITE_FORMATS, 'plain');
  if (conflicting) throw new UsageError('--list-format does not combine with --json, --dihedral or --resume');
  if (algorithms.length !== 1) throw new UsageError('--list-format writes one algorithm');
  const { name: algorithm, bits } = getAlgorithm(algorithms[0]!);
  const { HashListWriter } = await import('../../lists/write.js');
  const options = name === 'csv' ? { format: name, columns: ['path'] } : { format: name };
  try {
    new HashListWriter(options).write({
      hash: { algorithm, bits, bytes: new Uint8Array(Math.ceil(bits / 8)) },
      metadata: listMetadata({ format: name }, 'x'),
    });
  } catch (err) {
    throw new UsageError(`--list-format ${name}: ${(err as Error).message}`);
  }
  return new HashListWriter(options);
}

/** The path as metadata: a string where the format carries a path or text, an object elsewhere. */
function listMetadata(writer: { format: string }, path: string): unknown {
  return ['hash-metadata', 'pdq-photo-hasher', 'pdq-int64'].includes(writer.format) ? path : { path };
}

function formatResult(
  result: FileResult & { ok: true },
  algorithms: readonly string[],
  json: boolean,
): string {
  const { hashes, dihedral } = result.result;
  const first = hashes[algorithms[0]!]!;
  if (!json) return `${hashToHex(first)},${first.quality ?? ''},${result.path}`;
  const quality = hashes.pdq?.quality;
  const record: Record<string, unknown> =
    algorithms.length === 1
      ? {
          path: result.path,
          algorithm: first.algorithm,
          hash: hashToHex(first),
          quality: first.quality ?? null,
        }
      : {
          path: result.path,
          hashes: Object.fromEntries(algorithms.map((a) => [a, hashToHex(hashes[a]!)])),
          quality: quality ?? null,
        };
  if (dihedral) record.dihedral = dihedral.map(hashToHex);
  return JSON.stringify(record);
}

interface OpenOutput {
  stream: Writable;
  alreadyDone: Set<string>;
  close(complete: boolean): Promise<void>;
}

/**
 * Output goes to `<file>.partial` and is renamed to `<file>` only when the run completes, so a
 * finished file is never half-written. `--resume` keeps the partial file's complete lines; an
 * interrupted run keeps the partial file for it.
 */
async function openOutput(path: string, resume: boolean): Promise<OpenOutput> {
  const partial = `${path}.partial`;
  const alreadyDone = new Set<string>();
  if (resume) {
    let text = '';
    try {
      text = await readFile(partial, 'utf8');
    } catch {
      // nothing to resume: start afresh
    }
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) await truncate(partial, Buffer.byteLength(text.slice(0, end))); // drop a cut-off line
    for (const line of text.slice(0, end).split('\n')) {
      const p = pathOfLine(line);
      if (p !== undefined) alreadyDone.add(p);
    }
  }
  const file = await openAtomicFile(path, { partialPath: partial, append: resume, what: 'output' });
  return {
    stream: file.stream,
    alreadyDone,
    close: (complete) => (complete ? file.commit() : file.abandon({ keep: true })),
  };
}

/** The path a previous output line was for (NDJSON `path`, or everything after the second comma). */
function pathOfLine(line: string): string | undefined {
  if (line.length === 0) return undefined;
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as { path?: unknown };
      return typeof record.path === 'string' ? record.path : undefined;
    } catch {
      return undefined;
    }
  }
  const first = line.indexOf(',');
  const second = first < 0 ? -1 : line.indexOf(',', first + 1);
  return second < 0 ? undefined : line.slice(second + 1);
}

async function* skipDone(
  paths: AsyncIterable<string>,
  done: Set<string>,
  cwd: string,
): AsyncGenerator<string> {
  for await (const p of paths) if (!done.has(p) && !done.has(resolve(cwd, p))) yield p;
}

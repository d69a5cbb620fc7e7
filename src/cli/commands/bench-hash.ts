import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  formatHashBenchTable,
  HASH_BENCH_METHODS,
  type HashBenchMethod,
  type HashBenchReport,
  runHashBenchmark,
} from '../../eval/hash-bench.js';
import { decodeImage } from '../../sharp/decode.js';
import { intOption, listOption, parseCommandArgs } from '../args.js';
import { type CliIo, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { expandInputs } from '../inputs.js';
import { writeLine } from '../output.js';

/** Help for `imprint bench hash` (shown by `imprint bench --help`). */
export const benchHashHelp: string = `imprint bench hash [options] <dir|file>...

  Images per second for PDQ on these images (read into memory first), at one core and at all
  cores, against sharp's bare decode to full-resolution pixels (the floor any exact hasher pays)
  measured in the same run, and the npm package sharp-phash when it is installed. "vs decode" is
  the median over repeats of the rate relative to the floor's in the same repeat; "best" is the
  least disturbed repeat. Methods:
    decode       sharp's decode to raw pixels alone (the baseline of the ratios)
    load         imprint's loader (decodeImage)
    pdq          decodeImage + PDQ, WebAssembly kernel (the default path)
    pdq-js       decodeImage + PDQ, plain-JS kernel (the fallback)
    sharp-phash  the npm incumbent (64-bit pHash; decodes JPEGs at 1/8 size)
    pdq-shrink   APPROXIMATE PDQ of JPEGs decoded at 1/2 size (never imprint's default); its
                 bit distance to the exact hash is reported
  The machine's other load changes the figures: compare ratios, and repeat.

  --json             one JSON object per method and level: {"method","cores","imagesPerSec",
                     "bestPerSec","ratioToDecode","bestRatioToDecode","scaling","runs","images"}
                     (+ "kernelsAgree" on pdq rows, "meanBits","maxBits" on pdq-shrink rows)
  --cores <list>     images in flight per level, e.g. 1,2 (default: 1 and all cores)
  --repeats <n>      timed runs per method and level, interleaved (default 3)
  --min-ms <ms>      length of each timed run (default 1500)
  --methods <list>   a subset of ${HASH_BENCH_METHODS.join(',')}`;

/** `imprint bench hash`. */
export async function runBenchHash(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length === 0) throw new UsageError('no images: give a directory or files');
  const methods = listOption(values.methods, [...HASH_BENCH_METHODS]);
  for (const m of methods) {
    if (!(HASH_BENCH_METHODS as readonly string[]).includes(m)) {
      throw new UsageError(`--methods: unknown method "${m}" (known: ${HASH_BENCH_METHODS.join(', ')})`);
    }
  }
  const cores =
    values.cores === undefined
      ? undefined
      : listOption(values.cores, []).map((c) => intOption(c, '--cores', 1, 1));
  const repeats = intOption(values.repeats, '--repeats', 3, 1);
  const minMs = intOption(values['min-ms'], '--min-ms', 1500, 1);

  const images: Uint8Array[] = [];
  let unusable = 0;
  const paths = expandInputs(positionals, {
    cwd: io.cwd,
    recursive: true,
    onProblem: (p) => io.stderr.write(`imprint bench hash: ${p.path}: ${p.message}\n`),
  });
  for await (const path of paths) {
    try {
      const bytes = new Uint8Array(await readFile(resolve(io.cwd, path)));
      await decodeImage(bytes); // only images every method can decode are timed
      images.push(bytes);
    } catch (err) {
      unusable++;
      io.stderr.write(
        `imprint bench hash: ${path}: skipped (${(err as { code?: string }).code ?? 'unreadable'})\n`,
      );
    }
    if (io.signal.aborted) return EXIT.INTERRUPTED;
  }
  if (images.length === 0) throw new UsageError('none of the inputs is a decodable image');
  io.stderr.write(`imprint bench hash: ${images.length} images${unusable ? ` (${unusable} skipped)` : ''}\n`);

  const report = await runHashBenchmark(images, {
    methods: methods as HashBenchMethod[],
    cores,
    repeats,
    minMs,
    log: (line) => io.stderr.write(`  ${line}\n`),
  });
  if (values.json) {
    for (const line of jsonLines(report)) await writeLine(io.stdout, line);
  } else {
    await writeLine(io.stdout, formatHashBenchTable(report));
  }
  return EXIT.OK;
}

function jsonLines(report: HashBenchReport): string[] {
  return report.results.map((r) => {
    const extra =
      r.method === 'pdq' || r.method === 'pdq-js'
        ? { kernelsAgree: report.kernelsAgree }
        : r.method === 'pdq-shrink' && report.shrinkDistance
          ? { meanBits: report.shrinkDistance.mean, maxBits: report.shrinkDistance.max }
          : {};
    return JSON.stringify({ ...r, images: report.images, ...extra });
  });
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    json: { type: 'boolean' },
    cores: { type: 'string' },
    repeats: { type: 'string' },
    'min-ms': { type: 'string' },
    methods: { type: 'string' },
  } as const);
}

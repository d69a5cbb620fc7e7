import { resolve } from 'node:path';
import sharp from 'sharp';
import { getAlgorithm } from '../../algorithms/registry.js';
import { EDIT_FAMILIES } from '../../eval/families.js';
import { buildReport, writeReport } from '../../eval/report.js';
import { runEvaluation } from '../../eval/run.js';
import { TRANSFORMS } from '../../eval/transforms.js';
import { getMethod, METHODS } from '../../matching/methods/methods.js';
import type { MatchMethod } from '../../matching/methods/types.js';
import { intOption, listOption, parseCommandArgs } from '../args.js';
import { type CliIo, type Command, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { Progress } from '../progress.js';

const help = `Usage: imprint eval <dir-of-originals> [options]

Measures how well each matching method finds altered copies of known images: every original in
<dir> is altered by every edit family (re-encodes, resizes, colour edits, blur, noise, watermarks,
turns, borders, letterboxes, captions, meme text, screenshots in several apps, crops, rotations,
mirror plus crop), each copy with its parameters drawn from the family's range, deterministically
from --seed; each copy is hashed and compared with EVERY original. A match with a different
original is a false pair. The false-positive budget is the number of false pairs plain PDQ at 31
gives. Recall is reported per family and per parameter bucket. Tune on one seed and report
another: the parameters differ, the families do not.

Writes report.md (tables), report.json (every figure) and SVG pictures to --out, and prints
report.md. Progress goes to stderr on a terminal. Not part of npm test: on ~1,000 originals a run
takes tens of minutes (run it with nice).

Methods (${METHODS.map((m) => m.name).join(', ')}):
${METHODS.map((m) => `  ${m.name.padEnd(14)} ${m.side.padEnd(11)} ${m.summary}`).join('\n')}

Options:
  --method <a,b>     methods to evaluate (default all; pdq is always included as the baseline)
  --algo <a,b>       also evaluate these algorithms' plain hashes at their default thresholds
                     (e.g. phash,dhash,blockhash; pdq is the baseline anyway)
  --edits <set>      families (default: ${EDIT_FAMILIES.length} edit families, parameters drawn per copy)
                     or fixed (the ${TRANSFORMS.length} fixed transforms of earlier reports)
  --transform <a,b>  only these families or transforms of the set (default all)
  --limit <n>        use n originals spread evenly over the sorted directory (default all)
  --seed <n>         seed of the transforms' random choices (default 1)
  --precision <p>    target precision for the per-transform thresholds (default 0.9999)
  --cost-sample <n>  originals whose hashing and lookup costs are timed (default 40)
  --related <regex>  originals whose names give the same match (first group if any) are related,
                     e.g. tiles of one wallpaper; their false pairs are also reported apart
  --cache <file>     keep the hashes in <file> and reuse them when nothing they depend on changed
  --known-records <file>
                     take the originals' PDQ hashes (plain and derived) from fingerprint records
                     ('imprint hash --method pdq-max -r <dir> -o <file>') instead of the images,
                     as a platform that only receives the records has them
  --out <dir>        report directory (default eval-report)`;

/** `imprint eval`. */
const evalCommand: Command = {
  name: 'eval',
  summary: 'measure recall and false positives of the matching methods on a folder of originals',
  help,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parse(args);
    if (positionals.length !== 1) throw new UsageError('give exactly one directory of originals');
    const methods = selectMethods(values.method, values.algo);
    const edits = values.edits ?? 'families';
    if (edits !== 'families' && edits !== 'fixed')
      throw new UsageError(`--edits expects families or fixed but received "${edits}"`);
    const set = edits === 'families' ? EDIT_FAMILIES : TRANSFORMS;
    const names = listOption(
      values.transform,
      set.map((t) => t.name),
    );
    const transforms = names.map((n) => {
      const t = set.find((x) => x.name === n);
      if (!t) throw new UsageError(`unknown transform "${n}"; known: ${set.map((x) => x.name).join(', ')}`);
      return t;
    });
    const limit = values.limit === undefined ? undefined : intOption(values.limit, '--limit', 0, 2);
    const seed = intOption(values.seed, '--seed', 1);
    const costSample = intOption(values['cost-sample'], '--cost-sample', 40, 1);
    const precision = values.precision === undefined ? 0.9999 : Number(values.precision);
    if (!(precision > 0 && precision <= 1)) {
      throw new UsageError(`--precision expects a number in (0, 1] but received "${values.precision}"`);
    }
    const out = resolve(io.cwd, values.out ?? 'eval-report');
    // libvips caches operations by input address; buffers are recycled here, so never serve a cached result.
    sharp.cache(false);
    let bar = new Progress(io.stderr, io.stderrIsTTY, 'eval');
    let phase = '';
    const result = await runEvaluation({
      dir: resolve(io.cwd, positionals[0]!),
      dirLabel: positionals[0]!,
      methods,
      transforms,
      seed,
      costSample,
      signal: io.signal,
      ...(limit === undefined ? {} : { limit }),
      ...(values.cache === undefined ? {} : { cacheFile: resolve(io.cwd, values.cache) }),
      ...(values['known-records'] === undefined
        ? {}
        : { knownRecords: resolve(io.cwd, values['known-records']) }),
      ...(values.related === undefined ? {} : { relatedKey: relatedKeyOf(values.related) }),
      onProgress: ({ phase: p, done, total }) => {
        if (p !== phase) {
          bar.clear();
          bar = new Progress(io.stderr, io.stderrIsTTY, `eval: ${p}`);
          phase = p;
        }
        bar.update(done, 0, total);
      },
    });
    bar.clear();
    // Quoted as a shell would need it, so the report's command can be pasted back.
    const command = ['imprint eval', ...args.map((a) => (/^[\w\-.,/=:]+$/.test(a) ? a : `'${a}'`))].join(' ');
    const report = buildReport(result, precision, command);
    writeReport(out, report);
    io.stdout.write(`${report.markdown}\n`);
    io.stderr.write(`Report written to ${out}\n`);
    return EXIT.OK;
  },
};

export default evalCommand;

function selectMethods(method: string | undefined, algo: string | undefined): MatchMethod[] {
  let chosen: MatchMethod[];
  try {
    chosen = method === undefined ? [...METHODS] : listOption(method, []).map(getMethod);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!chosen.some((m) => m.name === 'pdq')) chosen.unshift(getMethod('pdq'));
  for (const name of listOption(algo, [])) {
    if (name === 'pdq') continue;
    let algorithm: ReturnType<typeof getAlgorithm>;
    try {
      algorithm = getAlgorithm(name);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (!algorithm.hashPixels)
      throw new UsageError(`${name} hashes file bytes, not pixels: nothing to evaluate`);
    chosen.push({
      name,
      side: 'query-side',
      summary: `plain ${name} at its default threshold ${algorithm.defaultThreshold} (baseline)`,
      knownFamilies: ['plain'],
      queryFamilies: ['plain'],
      rules: [{ query: 'plain', known: 'plain', slack: 0 }],
      threshold: algorithm.defaultThreshold,
      algorithm: name,
    });
  }
  return chosen;
}

function relatedKeyOf(pattern: string): (name: string) => string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (err) {
    throw new UsageError(`--related expects a regular expression: ${(err as Error).message}`);
  }
  return (name) => {
    const m = regex.exec(name);
    return m ? (m[1] ?? m[0]) : undefined;
  };
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    method: { type: 'string' },
    algo: { type: 'string' },
    transform: { type: 'string' },
    edits: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    precision: { type: 'string' },
    'cost-sample': { type: 'string' },
    cache: { type: 'string' },
    'known-records': { type: 'string' },
    related: { type: 'string' },
    out: { type: 'string' },
  } as const);
}

import {
  formatMatchTable,
  MATCH_BENCH_METHODS,
  type MatchBenchMethod,
  randomMatchData,
  runMatchBenchmark,
} from '../../eval/match-bench.js';
import { intOption, listOption, parseCommandArgs } from '../args.js';
import { type CliIo, UsageError } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { writeLine } from '../output.js';

/** Help for `imprint bench match` (shown by `imprint bench --help`). */
export const benchMatchHelp: string = `imprint bench match [options]

  Matching speed on this machine: N random hashes with a planted near-duplicate per query (at
  distances 0..31), searched by each method on the same data; every method's answers are checked
  against the flat scan's ("correct"). Build, save and load of each index are timed too.
  Methods:
    naive-hex    hex strings compared character by character, as the npm hamming-distance
                 package does (the baseline; on large lists it scans a prefix and is scaled)
    flat-js      imprint's flat scan, plain-JS kernel
    flat-wasm    imprint's flat scan, WebAssembly kernel
    mih-js       multi-index hashing (the PDQ reference's 16-bit slots), plain-JS kernel
    mih-wasm     multi-index hashing, WebAssembly kernel
  The machine's other load changes the figures: compare ratios, and repeat.

  --n <N>            hashes in the list (default 1000000; 1e5 and 1e7 are accepted)
  --bits <256|64>    hash length (default 256)
  --radius <d>       match distance (default 31 for 256 bits, 10 for 64)
  --queries <q>      queries (default 1000)
  --budget <ms>      query time per method (default 5000; at least 5 queries run)
  --methods <list>   a subset of ${MATCH_BENCH_METHODS.join(',')}
  --json             one JSON object per method: {"method","n","bits","radius","qps","p50Ms",
                     "p99Ms","buildMs","loadMs","bytesPerHash","correct"} (+ "data","queries",
                     "matches","comparisonsPerSec", and "extrapolatedFrom" for a scaled baseline)`;

/** `imprint bench match`. */
export async function runBenchMatch(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const n = count(values.n, '--n', 1_000_000);
  const bits = intOption(values.bits, '--bits', 256, 1);
  if (bits !== 256 && bits !== 64)
    throw new UsageError(`--bits expects 256 or 64 but received "${values.bits}"`);
  const radius = intOption(values.radius, '--radius', bits === 256 ? 31 : 10);
  if (radius > bits) throw new UsageError(`--radius must be at most ${bits}`);
  const queries = Math.min(n, count(values.queries, '--queries', 1000));
  const budgetMs = intOption(values.budget, '--budget', 5000, 1);
  const methods = listOption(values.methods, [...MATCH_BENCH_METHODS]);
  for (const m of methods) {
    if (!(MATCH_BENCH_METHODS as readonly string[]).includes(m)) {
      throw new UsageError(`--methods: unknown method "${m}" (known: ${MATCH_BENCH_METHODS.join(', ')})`);
    }
  }
  io.stderr.write(
    `imprint bench match: ${n} random ${bits}-bit hashes, ${queries} queries, radius ${radius}\n`,
  );
  const data = randomMatchData(n, bits, queries, radius);
  const results = await runMatchBenchmark(data, {
    radius,
    methods: methods as MatchBenchMethod[],
    budgetMs,
    log: (line) => io.stderr.write(`  ${line}\n`),
  });
  if (io.signal.aborted) return EXIT.INTERRUPTED;
  if (values.json) {
    for (const r of results) await writeLine(io.stdout, JSON.stringify(r));
  } else {
    await writeLine(io.stdout, formatMatchTable(results).trimEnd());
  }
  const wrong = results.filter((r) => !r.correct);
  for (const r of wrong) io.stderr.write(`imprint bench match: ${r.method} disagreed with the flat scan\n`);
  return wrong.length > 0 ? EXIT.SOME_FAILED : EXIT.OK;
}

/** A positive count, also written as 1e6. */
function count(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(value) || !Number.isInteger(n) || n < 1 || n > 2 ** 32 - 1) {
    throw new UsageError(
      `${flag} expects a positive whole number (e.g. 1000000 or 1e6) but received "${value}"`,
    );
  }
  return n;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    n: { type: 'string' },
    bits: { type: 'string' },
    radius: { type: 'string' },
    queries: { type: 'string' },
    budget: { type: 'string' },
    methods: { type: 'string' },
    json: { type: 'boolean' },
  } as const);
}

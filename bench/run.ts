/**
 * `npm run bench`: every benchmark suite, each `bench/<suite>.ts` in its own process, then one
 * table of every figure beside its baseline from the same run, the issues' target and whether it
 * is met (bench/report.ts holds the plan). A figure a suite did not give is reported as missing.
 *
 *   npm run bench                          every suite, full sizes (10^6/10^7 MIH, 10^8 sharded: long)
 *   npm run bench -- --quick               the same figures at smaller sizes (a few minutes)
 *   npm run bench -- --markdown docs/performance.md
 *                                          also writes the table between <!-- bench:begin --> and
 *                                          <!-- bench:end --> in that file (a new file: the table alone)
 *   npm run bench -- --only match,hash     only these runs (match, match-sharded, hash, startup, upload, lists)
 *   npm run bench -- --json <file>         also writes the rows as JSON
 *   npm run bench -- match --sizes 1e5,1e6 one suite with its own options, as before
 *   npm run bench -- --sizes 1e5,1e6       options that are not the ones above go to the match suite
 *
 * The startup suite measures the built CLI: `npm run build` runs before it (not with --no-build).
 * --smoke runs every suite but upload at tiny sizes (for test/bench/aggregate.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type Mode,
  parseSummary,
  plan,
  renderMarkdown,
  renderText,
  replaceSection,
  rows,
  type SuiteRun,
} from './report.js';
import type { Summary } from './summary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const AGGREGATOR_FLAGS = new Set(['--quick', '--smoke', '--markdown', '--only', '--json', '--no-build']);

function spawnSuite(suite: string, args: readonly string[], node: readonly string[] = []): number {
  const file = join(root, 'bench', `${suite}.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`no benchmark suite ${file}\n`);
    return 2;
  }
  process.stderr.write(`== bench/${suite}.ts ${args.join(' ')}\n`);
  const { status } = spawnSync(process.execPath, [...node, '--import', 'tsx', file, ...args], {
    stdio: 'inherit',
    cwd: root,
  });
  return status ?? 1;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function aggregate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      markdown: { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    },
  });
  const mode: Mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const only = values.only?.split(',');
  const runs: SuiteRun[] = plan(mode).filter((r) => !only || only.includes(r.name ?? r.suite));
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const started = new Date();
  const loadBefore = load();
  const dir = mkdtempSync(join(tmpdir(), 'imprint-bench-'));
  const summaries = new Map<string, Summary | string>();
  try {
    for (const run of runs) {
      const name = run.name ?? run.suite;
      if (run.suite === 'startup' && !values['no-build']) {
        process.stderr.write('== npm run build (the startup suite measures the built CLI)\n');
        const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
        if (built.status !== 0) {
          summaries.set(name, `npm run build failed (exit ${built.status})`);
          continue;
        }
      }
      const file = join(dir, `${name}.json`);
      const status = spawnSuite(run.suite, [...run.args, '--summary-json', file], run.node);
      if (!existsSync(file)) {
        summaries.set(name, `bench/${run.suite}.ts exited ${status} without a summary`);
        continue;
      }
      try {
        summaries.set(name, parseSummary(readFileSync(file, 'utf8'), file));
      } catch (e) {
        summaries.set(name, (e as Error).message);
      }
      if (status !== 0) process.stderr.write(`bench/${run.suite}.ts exited ${status}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = rows(runs, summaries);
  const context = {
    command,
    date: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    durationMin: (Date.now() - started.getTime()) / 60_000,
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadBefore,
    loadAfter: load(),
  };
  process.stdout.write(`\n${renderText(table)}\n`);
  process.stdout.write(`load average ${context.loadBefore} before, ${context.loadAfter} after\n`);
  const missing = table.filter((r) => !r.figure).length;
  if (missing) process.stdout.write(`${missing} figure${missing > 1 ? 's' : ''} MISSING\n`);
  const markdown = renderMarkdown(table, context);
  if (values.markdown) {
    const target = values.markdown;
    writeFileSync(
      target,
      existsSync(target) ? replaceSection(readFileSync(target, 'utf8'), markdown) : `${markdown}\n`,
    );
    process.stderr.write(`wrote the table into ${target}\n`);
  }
  const record = { context, rows: table.map(({ target, ...r }) => ({ ...r, target: target?.text ?? null })) };
  if (values.json) writeFileSync(values.json, `${JSON.stringify(record, null, 1)}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(root, 'bench', 'results', `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(record, null, 1)}\n`);
  process.stderr.write(`wrote ${out}\n`);
  return missing ? 1 : 0;
}

const args = process.argv.slice(2);
const first = args[0];
if (first !== undefined && !first.startsWith('-')) {
  process.exit(spawnSuite(first, args.slice(1)));
} else if (args.some((a) => a.startsWith('-') && !AGGREGATOR_FLAGS.has(a.split('=')[0]!))) {
  process.exit(spawnSuite('match', args));
} else {
  process.exit(await aggregate(args));
}

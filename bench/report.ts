/**
 * What `npm run bench` runs and how it reports: the plan (each suite with its arguments in the
 * quick and the full mode, and the figures it must give, with the issues' targets), reading the
 * suites' summaries (bench/summary.ts), and the table (terminal and Markdown). A planned figure
 * that no summary holds is a row that says `MISSING`, never a row left out.
 */
import type { Figure, Summary } from './summary.js';

/** `full`: the issues' sizes; `quick`: a few minutes; `smoke`: tiny sizes for the test, no upload suite. */
export type Mode = 'full' | 'quick' | 'smoke';

/** A target from the issues, checked against a figure when it can be. */
export interface Target {
  readonly text: string;
  /** Met or not; absent when the figure cannot judge it (e.g. the baseline is not the target's). */
  readonly check?: (f: Figure) => boolean;
}

/** A figure the report must show. */
export interface Expected {
  readonly id: string;
  readonly target?: Target;
}

/** One suite run: `bench/<suite>.ts` with `args`, then `--summary-json <file>`. */
export interface SuiteRun {
  /** The suite file's name (bench/<suite>.ts). */
  readonly suite: string;
  /** A name for this run when a suite runs more than once (default: the suite's name). */
  readonly name?: string;
  readonly args: readonly string[];
  /** Node options for the suite's process. */
  readonly node?: readonly string[];
  readonly expect: readonly Expected[];
}

const atLeast = (text: string, n: number, of: 'value' | 'ratio' = 'value'): Target => ({
  text,
  check: (f) => (of === 'value' ? f.value : (f.ratio ?? Number.NaN)) >= n,
});
const atMost = (text: string, n: number, of: 'value' | 'ratio' = 'value'): Target => ({
  text,
  check: (f) => (of === 'value' ? f.value : (f.ratio ?? Number.NaN)) <= n,
});

/** The default matching method (src/matching/methods/methods.ts), whose per-upload cost issue 17 bounds. */
const DEFAULT_METHOD = 'pdq-max';

/** Every suite of `npm run bench` in `mode`, with the figures each must give. */
export function plan(mode: Mode): SuiteRun[] {
  const size = {
    full: {
      small: '1e6',
      large: '1e7',
      batch: ['1e6', '2000'],
      sharded: '1e8',
      queries: '1000',
      budget: '5000',
    },
    quick: {
      small: '1e5',
      large: '1e6',
      batch: ['1e6', '400'],
      sharded: '2e6',
      queries: '300',
      budget: '2000',
    },
    smoke: { small: '2e3', large: '2e4', batch: ['2e4', '32'], sharded: '2e4', queries: '30', budget: '100' },
  }[mode];
  const { small, large, sharded } = size;
  const [batchSize, batch] = size.batch as [string, string];
  const mihTargets: Record<string, Target> = {
    '1e6': atLeast('>= 10,000 q/s', 10_000),
    '1e7': {
      text: '>= 5,000 q/s and >= 100x',
      check: (f) => f.value >= 5_000 && (f.ratio ?? 0) >= 100,
    },
  };
  const match = (n: string): Expected[] => [
    { id: `match.mih.qps@${n}`, ...(mihTargets[n] ? { target: mihTargets[n] } : {}) },
    { id: `match.mih.build@${n}`, ...(n === '1e7' ? { target: atMost('<= 10 s', 10) } : {}) },
    { id: `match.mih.bytes@${n}`, target: atMost('<= 100 B/hash', 100) },
    { id: `match.mih.load@${n}` },
  ];
  const upload = (m: string): Expected[] => [
    {
      id: `upload.${m}.p50`,
      ...(m === DEFAULT_METHOD ? { target: atMost('<= 2.5x pdq', 2.5, 'ratio') } : {}),
    },
    { id: `upload.${m}.p95` },
    {
      id: `upload.${m}.spread`,
      ...(m === DEFAULT_METHOD ? { target: atMost('p95 <= 4x p50', 4, 'ratio') } : {}),
    },
  ];
  const runs: SuiteRun[] = [
    {
      suite: 'match',
      args: ['--sizes', `${small},${large}`, '--queries', size.queries, '--budget', size.budget].concat([
        '--no-clustered',
        '--only',
        'batches,random',
        '--batch-size',
        batchSize,
        '--batch',
        batch,
      ]),
      expect: [
        ...match(small),
        ...match(large),
        { id: `batch.flat.multi@${batchSize}` },
        { id: `batch.flat.pass@${batchSize}` },
        {
          id: `batch.flat.pass.threads@${batchSize}`,
          target: atMost('at the 2-thread memory floor (<= 1.1x)', 1.1, 'ratio'),
        },
        { id: `batch.flat.threads@${batchSize}` },
        { id: `batch.mih.threads@${batchSize}` },
      ],
    },
    {
      suite: 'match',
      name: 'match-sharded',
      node: ['--expose-gc'],
      args: ['--only', 'sharded', '--sharded', sharded, '--shards', '4', '--queries', size.queries].concat([
        '--budget',
        mode === 'full' ? '10000' : size.budget,
      ]),
      expect: [
        { id: `sharded.bytes@${sharded}`, target: atMost('<= 100 B/hash', 100) },
        { id: `sharded.build@${sharded}` },
        { id: `sharded.query@${sharded}` },
        { id: `sharded.threads@${sharded}`, target: { text: 'shards on all cores, same answers' } },
      ],
    },
    {
      suite: 'hash',
      args: {
        full: ['--size', '1000x750', '--repeats', '3', '--min-ms', '1500'],
        quick: ['--size', '1000x750', '--repeats', '1', '--min-ms', '400'],
        smoke: ['--size', '96x64', '--repeats', '1', '--min-ms', '20'],
      }[mode].concat(['--methods', 'decode,load,pdq', '--cores', '1,2']),
      expect: [
        { id: 'decode.imprint.wall', target: atMost('<= 1.5x libjpeg-turbo', 1.5, 'ratio') },
        { id: 'decode.imprint.cpu', target: atMost('<= 1.5x libjpeg-turbo', 1.5, 'ratio') },
        { id: 'decode.sharp.wall' },
        { id: 'decode.sharp.cpu' },
        { id: 'pdq.vs-c.x1', target: { text: '>= 1.15x the C++ reference (not run here)' } },
        { id: 'pdq.vs-c.x2', target: { text: '>= 1.8x the C++ reference (not run here)' } },
        { id: 'hash.pdq.x1' },
        { id: 'hash.pdq.x2' },
      ],
    },
    {
      suite: 'startup',
      args: ['--runs', { full: '15', quick: '3', smoke: '1' }[mode]],
      expect: [
        { id: 'startup.version.wall' },
        { id: 'startup.hash.wall', target: { text: "near Node's own start-up" } },
        { id: 'startup.hash.cpu', target: { text: "near Node's own start-up" } },
      ],
    },
    {
      suite: 'upload',
      node: ['--expose-gc'],
      args:
        mode === 'full'
          ? []
          : ['--known', '6', '--altered', '2', '--unrelated', '12', '--repeats', '1'].concat([
              '--methods',
              `pdq,pdq-plus,${DEFAULT_METHOD}`,
            ]),
      expect: [{ id: 'upload.pdq.spread' }, ...upload('pdq-plus'), ...upload(DEFAULT_METHOD)],
    },
    {
      suite: 'lists',
      args: {
        full: ['--lines', '1e6', '--rounds', '3'],
        quick: ['--lines', '1e5', '--rounds', '1'],
        smoke: ['--lines', '2000', '--rounds', '1'],
      }[mode],
      expect: ['plain', 'csv', 'threatexchange', 'pdq-photo-hasher'].map((f) => ({ id: `lists.${f}` })),
    },
  ];
  // The upload suite needs Debian's wallpapers (fetched with apt-get): not for the test.
  return mode === 'smoke' ? runs.filter((r) => r.suite !== 'upload') : runs;
}

/** Reads a summary file's text; throws with the reason when it is not one. */
export function parseSummary(text: string, source: string): Summary {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  const s = data as Summary;
  if (typeof s !== 'object' || s === null || typeof s.suite !== 'string' || !Array.isArray(s.figures))
    throw new Error(`${source}: not a benchmark summary (expected { suite, argv, figures })`);
  for (const [i, f] of s.figures.entries()) {
    const bad =
      typeof f?.id !== 'string' ||
      typeof f.label !== 'string' ||
      typeof f.value !== 'number' ||
      typeof f.unit !== 'string' ||
      (f.baseline !== null &&
        (typeof f.baseline?.value !== 'number' || typeof f.baseline.label !== 'string')) ||
      (f.ratio !== null && typeof f.ratio !== 'number');
    if (bad) throw new Error(`${source}: figure ${i} is malformed: ${JSON.stringify(f)}`);
  }
  return s;
}

/** A row of the report. */
export interface Row {
  readonly run: string;
  readonly id: string;
  /** The figure, or undefined when the suite did not give it. */
  readonly figure?: Figure;
  readonly target?: Target;
  /** Why it is missing (the suite failed, or gave no such figure). */
  readonly missing?: string;
}

/**
 * The rows for `runs`: every expected figure in plan order (a missing one says why), then any
 * figure a suite gave beyond the plan. `summaries` maps a run's name to its summary, or to the
 * reason there is none.
 */
export function rows(runs: readonly SuiteRun[], summaries: ReadonlyMap<string, Summary | string>): Row[] {
  const out: Row[] = [];
  for (const run of runs) {
    const name = run.name ?? run.suite;
    const summary = summaries.get(name) ?? 'not run';
    const figures = typeof summary === 'string' ? [] : summary.figures;
    const byId = new Map(figures.map((f) => [f.id, f]));
    for (const e of run.expect) {
      const f = byId.get(e.id);
      out.push({
        run: name,
        id: e.id,
        ...(f
          ? { figure: f }
          : { missing: typeof summary === 'string' ? summary : 'the suite gave no such figure' }),
        ...(e.target ? { target: e.target } : {}),
      });
    }
    const planned = new Set(run.expect.map((e) => e.id));
    for (const f of figures) if (!planned.has(f.id)) out.push({ run: name, id: f.id, figure: f });
  }
  return out;
}

/** Whether the row's target is met: `yes`, `NO`, `-` (no target or not judged here), or `missing`. */
export function met(row: Row): string {
  if (!row.figure) return 'missing';
  if (!row.target?.check) return '-';
  if (row.figure.note?.includes('DIFFER')) return 'NO';
  return row.target.check(row.figure) ? 'yes' : 'NO';
}

/** A number for the table: 3 significant digits, thousands separated. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cells(row: Row): string[] {
  const f = row.figure;
  if (!f) return [row.id, 'MISSING', '-', '-', row.target?.text ?? '-', `missing (${row.missing})`];
  const label = f.note ? `${f.label} (${f.note})` : f.label;
  return [
    label,
    `${num(f.value)} ${f.unit}`,
    f.baseline ? `${num(f.baseline.value)} ${f.unit} (${f.baseline.label})` : '-',
    f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
    row.target?.text ?? '-',
    met(row),
  ];
}

const HEAD = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met?'];

/** The table for a terminal: fixed-width columns. */
export function renderText(table: readonly Row[]): string {
  const body = [HEAD, ...table.map(cells)];
  const widths = HEAD.map((_, i) => Math.min(90, Math.max(...body.map((r) => r[i]!.length))));
  return body
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The table as Markdown, under a line saying how, when and where it was measured. */
export function renderMarkdown(table: readonly Row[], context: RunContext): string {
  const esc = (c: string) => c.replaceAll('|', '\\|');
  return [
    `Generated by \`${context.command}\` on ${context.date} (${context.durationMin.toFixed(0)} min);` +
      ` ${context.machine}; load average ${context.loadBefore} before, ${context.loadAfter} after.` +
      ' Every ratio is the figure over its baseline measured in the same run.',
    '',
    `| ${HEAD.join(' | ')} |`,
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...table.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

/** How, when and where a report was made. */
export interface RunContext {
  readonly command: string;
  readonly date: string;
  readonly durationMin: number;
  readonly machine: string;
  readonly loadBefore: string;
  readonly loadAfter: string;
}

export const BEGIN = '<!-- bench:begin -->';
export const END = '<!-- bench:end -->';

/** `doc` with the text between the markers replaced by `section`; throws when the markers are not there once each, in order. */
export function replaceSection(doc: string, section: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a || doc.indexOf(BEGIN, a + 1) >= 0 || doc.indexOf(END, b + 1) >= 0)
    throw new Error(`expected one ${BEGIN} and one ${END} after it`);
  return `${doc.slice(0, a + BEGIN.length)}\n${section}\n${doc.slice(b)}`;
}

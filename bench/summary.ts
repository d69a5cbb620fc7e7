/**
 * The machine-readable summary a benchmark suite writes with `--summary-json <file>`, read by
 * `npm run bench` (bench/run.ts, bench/report.ts) to print every figure beside its baseline.
 * A suite's human output is unchanged; the summary is an extra file.
 */
import { writeFileSync } from 'node:fs';

/** One measured figure and the baseline it was measured against in the same run. */
export interface Figure {
  /** Stable key the report looks for, e.g. `match.mih.qps@1e7`. */
  readonly id: string;
  /** What it is, for people. */
  readonly label: string;
  readonly value: number;
  /** Unit of `value` and `baseline.value`: `q/s`, `ms`, `s`, `B/hash`, `img/s`, `Ml/s`. */
  readonly unit: string;
  /** The baseline measured in the same run, or null where the figure stands alone. */
  readonly baseline: { readonly label: string; readonly value: number } | null;
  /**
   * The ratio the suite reports (`value / baseline` unless the suite takes, say, the median of
   * per-round ratios); null without a baseline.
   */
  readonly ratio: number | null;
  /** Anything a reader must know to read the figure (how it was taken, what it is not). */
  readonly note?: string;
}

/** What a suite writes: its name, its arguments and its figures. */
export interface Summary {
  readonly suite: string;
  readonly argv: readonly string[];
  readonly figures: readonly Figure[];
}

/** A figure with `ratio = value / baseline`. */
export function figure(
  id: string,
  label: string,
  value: number,
  unit: string,
  baseline: { label: string; value: number } | null,
  note?: string,
): Figure {
  return {
    id,
    label,
    value,
    unit,
    baseline,
    ratio: baseline && baseline.value !== 0 ? value / baseline.value : null,
    ...(note ? { note } : {}),
  };
}

/** Writes the summary when `file` is given (the suite's `--summary-json`); does nothing otherwise. */
export function writeSummary(
  file: string | undefined,
  suite: string,
  argv: readonly string[],
  figures: readonly Figure[],
): void {
  if (!file) return;
  const summary: Summary = { suite, argv, figures };
  writeFileSync(file, `${JSON.stringify(summary, null, 1)}\n`);
}

/** Short form of a count for figure ids: 1000000 -> `1e6`, 2500000 -> `2.5e6`. */
export function sizeKey(n: number): string {
  if (n < 10) return String(n);
  const e = Math.floor(Math.log10(n));
  const m = n / 10 ** e;
  return `${Number(m.toPrecision(3))}e${e}`;
}

/**
 * The report's pictures as SVG text (no dependencies): score histograms of same vs different
 * pairs, and a recall heat map of transforms x methods.
 */
import { MIN_SCORE } from './metrics.js';

function esc(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Options for {@link histogramSvg}. */
export interface HistogramChart {
  readonly title: string;
  /** Score histograms (bin `s - MIN_SCORE` counts score `s`). */
  readonly same: Float64Array;
  readonly different: Float64Array;
  /** Vertical markers, e.g. the method's threshold. */
  readonly markers: readonly { score: number; label: string; colour: string }[];
  readonly from?: number;
  readonly to?: number;
}

/**
 * Two distributions on one log-scaled axis: the share of same pairs (an altered copy and its own
 * original) and of different pairs (a copy and another original) at each score. Where they
 * overlap, no threshold separates them.
 *
 * @example
 * ```ts
 * writeFileSync('pdq.svg', histogramSvg({ title: 'pdq', same, different, markers: [] }));
 * ```
 */
export function histogramSvg(chart: HistogramChart): string {
  const from = chart.from ?? 0;
  const to = chart.to ?? 160;
  const width = 760;
  const height = 360;
  const left = 60;
  const right = 20;
  const top = 48;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const minLog = -8;
  const x = (s: number): number => left + ((s - from) / (to - from)) * plotW;
  const y = (share: number): number => {
    const l = share > 0 ? Math.max(minLog, Math.log10(share)) : minLog;
    return top + (l / minLog) * plotH;
  };
  const series = (h: Float64Array, colour: string, name: string): string => {
    let total = 0;
    for (const v of h) total += v;
    if (total === 0) return '';
    let d = '';
    for (let s = from; s <= to; s++) {
      const v = h[s - MIN_SCORE] ?? 0;
      if (v === 0) continue;
      const share = v / total;
      d += `<rect x="${x(s - 0.45).toFixed(1)}" y="${y(share).toFixed(1)}" width="${((0.9 * plotW) / (to - from)).toFixed(2)}" height="${(top + plotH - y(share)).toFixed(1)}" fill="${colour}" fill-opacity="0.55"><title>${name} ${s}: ${v}</title></rect>`;
    }
    return d;
  };
  let axes = `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`;
  axes += `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`;
  for (let s = Math.ceil(from / 20) * 20; s <= to; s += 20) {
    axes += `<line x1="${x(s)}" y1="${top + plotH}" x2="${x(s)}" y2="${top + plotH + 5}" stroke="#333"/><text x="${x(s)}" y="${top + plotH + 18}" font-size="11" text-anchor="middle">${s}</text>`;
  }
  for (let l = 0; l >= minLog; l -= 2) {
    axes += `<line x1="${left - 5}" y1="${y(10 ** l)}" x2="${left + plotW}" y2="${y(10 ** l)}" stroke="#ddd"/><text x="${left - 8}" y="${y(10 ** l) + 4}" font-size="11" text-anchor="end">1e${l}</text>`;
  }
  const markers = chart.markers
    .filter((m) => m.score >= from && m.score <= to)
    .map(
      (m, k) =>
        `<line x1="${x(m.score + 0.5)}" y1="${top}" x2="${x(m.score + 0.5)}" y2="${top + plotH}" stroke="${m.colour}" stroke-dasharray="4 3"/><text x="${x(m.score + 0.5) + 4}" y="${top + 12 + 14 * k}" font-size="11" fill="${m.colour}">${esc(m.label)}</text>`,
    )
    .join('');
  const legend = `<rect x="${left + plotW - 230}" y="${top - 16}" width="12" height="12" fill="#1f77b4" fill-opacity="0.55"/><text x="${left + plotW - 214}" y="${top - 6}" font-size="12">same picture</text><rect x="${left + plotW - 120}" y="${top - 16}" width="12" height="12" fill="#d62728" fill-opacity="0.55"/><text x="${left + plotW - 104}" y="${top - 6}" font-size="12">different</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${esc(chart.title)}</text>`,
    legend,
    axes,
    series(chart.different, '#d62728', 'different'),
    series(chart.same, '#1f77b4', 'same'),
    markers,
    `<text x="${left + plotW / 2}" y="${height - 10}" font-size="12" text-anchor="middle">score (Hamming distance minus the rule's slack)</text>`,
    `<text x="14" y="${top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">share of pairs (log)</text>`,
    '</svg>',
  ].join('\n');
}

/** A table of recalls as coloured cells: red below the row's target, green at or above it. */
export function heatmapSvg(
  title: string,
  rows: readonly { name: string; target?: number }[],
  columns: readonly string[],
  recall: readonly (readonly number[])[],
): string {
  const cellW = 96;
  const cellH = 20;
  const labelW = 150;
  const top = 70;
  const width = labelW + cellW * columns.length + 10;
  const height = top + cellH * rows.length + 10;
  const colour = (r: number, target: number | undefined): string => {
    if (target !== undefined) return r >= target ? '#8fd19e' : r >= target - 0.1 ? '#ffe08a' : '#f4a3a3';
    const g = Math.round(215 + 30 * r); // no target: light grey, lighter for higher recall
    return `rgb(${g},${g},${g})`;
  };
  let body = '';
  columns.forEach((c, k) => {
    const cx = labelW + k * cellW + cellW / 2;
    body += `<text x="${cx}" y="${top - 8}" font-size="11" text-anchor="start" transform="rotate(-25 ${cx} ${top - 8})">${esc(c)}</text>`;
  });
  rows.forEach((row, r) => {
    const y = top + r * cellH;
    const target = row.target === undefined ? '' : ` (${Math.round(row.target * 100)}%)`;
    body += `<text x="${labelW - 6}" y="${y + 14}" font-size="11" text-anchor="end">${esc(row.name + target)}</text>`;
    columns.forEach((_, k) => {
      const v = recall[r]![k]!;
      body += `<rect x="${labelW + k * cellW}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${colour(v, row.target)}"/>`;
      body += `<text x="${labelW + k * cellW + cellW / 2}" y="${y + 14}" font-size="11" text-anchor="middle">${(100 * v).toFixed(1)}</text>`;
    });
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

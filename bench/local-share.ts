/**
 * Reads what bench/local-candidates.ts wrote and prints, per edit family, the local matches with
 * the inlier count alone (`minInliers`) and with the share rule as well (LocalFeatureRule.minShare:
 * inliers >= minShare x the corners both pictures could show): copies found by their own original,
 * false pairs (related ones apart), and the lowest shares of true matches and highest of false ones.
 *
 *   npx tsx bench/local-share.ts candidates.ndjson [--share 0.15] [--min-inliers 20]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LOCAL_RULE } from '../src/matching/methods/local.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    share: { type: 'string', default: String(LOCAL_RULE.minShare) },
    'min-inliers': { type: 'string', default: String(LOCAL_RULE.minInliers) },
  },
});
interface Candidate {
  t: string;
  i: number;
  j: number;
  own: boolean;
  related: boolean;
  query: string;
  known: string;
  inliers: number;
  visible: number;
  visibleQ: number;
  scale: number;
  angle: number;
  failed?: boolean;
}
const share = Number(values.share);
const minInliers = Number(values['min-inliers']);
const rows: Candidate[] = [];
for (const file of positionals) {
  for (const line of readFileSync(file, 'utf8').split('\n')) if (line) rows.push(JSON.parse(line));
}
const shared = (c: Candidate) => Math.min(c.visible, c.visibleQ);
const ratio = (c: Candidate) => c.inliers / Math.max(1, shared(c));
const before = (c: Candidate) => c.inliers >= minInliers;
const after = (c: Candidate) => before(c) && c.inliers >= share * shared(c);
const families = [...new Set(rows.map((r) => r.t))];
const originals = rows.reduce((m, r) => Math.max(m, r.i), -1) + 1;
const pct = (n: number, d: number) => (d ? ((100 * n) / d).toFixed(1) : '-');
console.log(
  `minInliers ${minInliers}, minShare ${share}; ${originals} originals; true local matches before: ${rows.filter((r) => r.own && before(r)).length}\n`,
);
console.log(
  '| family | copies | own local match: before | after | lost | false pairs (unrelated / related): before | after |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const total = { copies: 0, b: 0, a: 0, fub: 0, frb: 0, fua: 0, fra: 0 };
for (const t of families) {
  const of = rows.filter((r) => r.t === t && !r.failed);
  // Every original has rows (its unaltered copy meets it); a copy with no candidate has none.
  const copies = originals - rows.filter((r) => r.t === t && r.failed).length;
  const ownB = of.filter((r) => r.own && before(r)).length;
  const ownA = of.filter((r) => r.own && after(r)).length;
  const fub = of.filter((r) => !r.own && !r.related && before(r)).length;
  const frb = of.filter((r) => !r.own && r.related && before(r)).length;
  const fua = of.filter((r) => !r.own && !r.related && after(r)).length;
  const fra = of.filter((r) => !r.own && r.related && after(r)).length;
  Object.assign(total, {
    copies: total.copies + copies,
    b: total.b + ownB,
    a: total.a + ownA,
    fub: total.fub + fub,
    frb: total.frb + frb,
    fua: total.fua + fua,
    fra: total.fra + fra,
  });
  console.log(
    `| ${t} | ${copies} | ${pct(ownB, copies)} | ${pct(ownA, copies)} | ${ownB - ownA} | ${fub} / ${frb} | ${fua} / ${fra} |`,
  );
}
console.log(
  `| all | ${total.copies} | ${pct(total.b, total.copies)} | ${pct(total.a, total.copies)} | ${total.b - total.a} | ${total.fub} / ${total.frb} | ${total.fua} / ${total.fra} |`,
);
const show = (c: Candidate) =>
  `${c.t} ${c.query} -> ${c.known}: ${c.inliers} inliers of ${shared(c)} shared corners (${ratio(c).toFixed(3)}), scale ${c.scale.toFixed(2)}, angle ${c.angle.toFixed(1)}`;
console.log('\nTrue matches (>= minInliers) with the lowest shares:');
for (const c of rows
  .filter((r) => r.own && before(r))
  .sort((a, b) => ratio(a) - ratio(b))
  .slice(0, 8))
  console.log(`- ${show(c)}`);
console.log('\nFalse pairs (>= minInliers), highest shares first:');
for (const c of rows
  .filter((r) => !r.own && before(r))
  .sort((a, b) => ratio(b) - ratio(a))
  .slice(0, 12))
  console.log(`- ${c.related ? '(related) ' : ''}${show(c)}`);

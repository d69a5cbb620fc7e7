/**
 * For the true local matches a share rule drops (bench/local-share.ts lists them), whether the
 * hash comparisons of `pdq-max` find the same copy anyway (then `pdq-local` still finds it): each
 * copy is made again as the evaluation makes it and matched against its own original by
 * `pdq-max` at its threshold.
 *
 *   npx tsx bench/local-lost.ts <dir> <seed> <family>:<original> [...]
 */
import { join } from 'node:path';
import { EDIT_FAMILIES } from '../src/eval/families.js';
import { seedOf } from '../src/eval/random.js';
import { applyTransform } from '../src/eval/transforms.js';
import { getMethod } from '../src/matching/methods/index.js';
import { knownEntriesFor, matchWithMethod, queryHashesFor } from '../src/matching/methods/match.js';
import { MihIndex } from '../src/matching/mih-index.js';
import { decodeImage } from '../src/sharp/decode.js';

const [dir, seedText, ...cases] = process.argv.slice(2);
const method = getMethod('pdq-max');
for (const c of cases) {
  const [family, name] = c.split(':') as [string, string];
  const original = await decodeImage(join(dir!, name));
  const index = new MihIndex<unknown>();
  index.addAll(knownEntriesFor(method, original, name));
  const t = EDIT_FAMILIES.find((f) => f.name === family)!;
  const source = { bytes: original.bytes, width: original.width, height: original.height };
  const copy = await decodeImage(
    (await applyTransform(t, source, seedOf(Number(seedText), name, family))).bytes,
  );
  const [best] = matchWithMethod(index, method, queryHashesFor(method, copy), { threshold: 256 });
  console.log(
    `${family} ${name}: pdq-max score ${best ? best.score : '-'} (${best && best.score <= method.threshold ? 'found' : 'missed'} at ${method.threshold})`,
  );
}

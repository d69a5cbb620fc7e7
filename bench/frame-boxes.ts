/**
 * Frame-box diagnostic: for edit families drawn as `imprint eval` draws them (same seeds), how
 * often cutting out the boxes the frame finders give brings the copy back within PDQ 31 of its
 * original: the peeled boxes (findPeeledBoxes), the edge-found box (findEdgeBox), and either.
 * Plain PDQ only, no index: it isolates the detectors from the rest of pdq-max. Not part of `npm test`.
 *
 *   npx tsx bench/frame-boxes.ts <dir> <seed> <originals> <family,family,...>
 */
import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import { type Hash, hammingDistance } from '../src/core/hash.js';
import type { PixelImage } from '../src/core/pixels.js';
import { type Box, resampleWindow, shrinkBy } from '../src/core/raster.js';
import { EDIT_FAMILIES } from '../src/eval/families.js';
import { seedOf } from '../src/eval/random.js';
import { applyTransform } from '../src/eval/transforms.js';
import { findEdgeBox, findPeeledBoxes, refineBox } from '../src/matching/methods/frame.js';

const [dir, seedArg, limitArg, famArg] = process.argv.slice(2);
const seed = Number(seedArg);
const names = readdirSync(dir!)
  .filter((n) => /\.(jpe?g|png|webp)$/i.test(n))
  .sort();
const limit = Number(limitArg);
const picked = names
  .filter((_, i) => i % Math.max(1, Math.floor(names.length / limit)) === 0)
  .slice(0, limit);
const families = famArg!.split(',');
async function pixels(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3 as const, data: new Uint8Array(data) };
}
function distOf(full: Awaited<ReturnType<typeof pixels>>, working: PixelImage, box: Box, hash: Hash): number {
  const f = Math.max(1, Math.ceil(Math.max(full.width, full.height) / 512));
  const r = refineBox(working, box);
  const b = { left: r.left * f, top: r.top * f, width: r.width * f, height: r.height * f };
  const cut = resampleWindow(full, b, Math.max(1, Math.round(b.width)), Math.max(1, Math.round(b.height)));
  return hammingDistance(pdqHash(cut).hash, hash);
}
for (const fam of families) {
  const t = EDIT_FAMILIES.find((x) => x.name === fam)!;
  let n = 0,
    plain = 0,
    peel = 0,
    edge = 0,
    either = 0,
    found = 0,
    edgeMs = 0;
  const misses: string[] = [];
  for (const name of picked) {
    const bytes = new Uint8Array(readFileSync(`${dir}/${name}`));
    const meta = await sharp(bytes).metadata();
    const orig = pdqHash(await pixels(bytes)).hash;
    const copy = await applyTransform(
      t,
      { bytes, width: meta.width!, height: meta.height! },
      seedOf(seed, name, t.name),
    );
    const full = await pixels(copy.bytes);
    const f = Math.max(1, Math.ceil(Math.max(full.width, full.height) / 512));
    const working = shrinkBy(full, f);
    const p = findPeeledBoxes(working);
    const boxes = [p.all, p.previous, p.canvas, p.outer].filter((b): b is Box => !!b);
    const t0 = performance.now();
    const e = findEdgeBox(working);
    edgeMs += performance.now() - t0;
    const dPlain = hammingDistance(pdqHash(full).hash, orig);
    const dPeel = Math.min(dPlain, ...boxes.map((b) => distOf(full, working, b, orig)));
    const dEdge = e ? distOf(full, working, e, orig) : 999;
    n++;
    if (e) found++;
    if (dPlain <= 31) plain++;
    if (dPeel <= 31) peel++;
    if (dEdge <= 31) edge++;
    if (Math.min(dPeel, dEdge) <= 31) either++;
    else
      misses.push(
        `${name}[${copy.bucket}] peel=${dPeel} edge=${dEdge} ${full.width}x${full.height} e=${JSON.stringify(e)}`,
      );
  }
  const pc = (v: number) => ((100 * v) / n).toFixed(1);
  console.log(
    `${fam}: n=${n} plain ${pc(plain)} peel ${pc(peel)} edge ${pc(edge)} either ${pc(either)} edge-found ${pc(found)} edge ms/img ${(edgeMs / n).toFixed(2)}`,
  );
  if (process.env.MISSES) for (const m of misses.slice(0, 12)) console.log('   ', m);
}

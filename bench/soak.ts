/**
 * Soak benchmark: N generated images through the batch API (`hashFiles`), reporting images/s per
 * window, max RSS and every error, so a throughput or memory regression shows.
 *
 *   npm run bench:soak -- --n 10000 [--size 640] [--concurrency 3] [--keep]
 *
 * Images are made from the bundled photos (crops, sizes and JPEG qualities vary per image, so the
 * decoder does real work), written to a temporary directory, and removed afterwards.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { hashFiles } from '../src/sharp/batch.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    size: { type: 'string', default: '640' },
    concurrency: { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const size = Number(values.size);

const photosDir = new URL('../fixtures/photos/', import.meta.url).pathname;
const sources = (await readdir(photosDir)).filter(
  (f) => /\.(jpg|png)$/.test(f) && !/empty|not-an|trunc|tiny/.test(f),
);
const dir = await mkdtemp(join(tmpdir(), 'imprint-soak-'));
await mkdir(dir, { recursive: true });

process.stderr.write(`generating ${n} images (${size}px) in ${dir}\n`);
const paths: string[] = [];
// A few dozen distinct encodings, reused under many names: generating 10k images would
// otherwise take longer than hashing them.
const variants: Buffer[] = [];
for (let v = 0; v < 48; v++) {
  const src = join(photosDir, sources[v % sources.length]!);
  const meta = await sharp(src).metadata();
  const crop = Math.floor(Math.min(meta.width!, meta.height!) * (0.6 + 0.05 * (v % 8)));
  variants.push(
    await sharp(src)
      .extract({ left: v % 7, top: v % 5, width: crop - 7, height: crop - 5 })
      .resize(size, Math.round(size * 0.75), { fit: 'fill' })
      .jpeg({ quality: 60 + (v % 35) })
      .toBuffer(),
  );
}
for (let i = 0; i < n; i++) {
  const path = join(dir, `img-${String(i).padStart(6, '0')}.jpg`);
  await writeFile(path, variants[i % variants.length]!);
  paths.push(path);
}
// Two bad files, to show the batch goes on and reports them.
await writeFile(join(dir, 'bad-empty.jpg'), '');
await writeFile(join(dir, 'bad-text.jpg'), 'not an image');
paths.splice(Math.floor(n / 3), 0, join(dir, 'bad-empty.jpg'));
paths.splice(Math.floor((2 * n) / 3), 0, join(dir, 'bad-text.jpg'));

const windows: { done: number; imagesPerSecond: number; rssMiB: number }[] = [];
let maxRss = process.memoryUsage().rss;
const errors: string[] = [];
const started = performance.now();
let windowStart = started;
let windowCount = 0;
let done = 0;
const windowSize = Math.max(100, Math.floor(n / 20));
for await (const r of hashFiles(
  paths,
  values.concurrency ? { concurrency: Number(values.concurrency) } : {},
)) {
  done++;
  windowCount++;
  if (!r.ok) errors.push(`${r.path}: ${r.error.code}`);
  const rss = process.memoryUsage().rss;
  if (rss > maxRss) maxRss = rss;
  if (windowCount === windowSize) {
    const now = performance.now();
    windows.push({
      done,
      imagesPerSecond: (windowCount * 1000) / (now - windowStart),
      rssMiB: rss / 2 ** 20,
    });
    windowStart = now;
    windowCount = 0;
  }
}
const seconds = (performance.now() - started) / 1000;
const rates = windows.map((w) => w.imagesPerSecond);
const summary = {
  images: done,
  seconds: Number(seconds.toFixed(2)),
  imagesPerSecond: Number((done / seconds).toFixed(1)),
  windowRateMin: Number(Math.min(...rates).toFixed(1)),
  windowRateMax: Number(Math.max(...rates).toFixed(1)),
  maxRssMiB: Number((maxRss / 2 ** 20).toFixed(1)),
  rssFirstWindowMiB: Number((windows[0]?.rssMiB ?? 0).toFixed(1)),
  rssLastWindowMiB: Number((windows.at(-1)?.rssMiB ?? 0).toFixed(1)),
  errors,
};
if (values.json) process.stdout.write(`${JSON.stringify({ summary, windows })}\n`);
else {
  for (const w of windows) {
    process.stdout.write(
      `after ${String(w.done).padStart(6)}: ${w.imagesPerSecond.toFixed(1).padStart(7)} img/s, RSS ${w.rssMiB.toFixed(0)} MiB\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
if (!values.keep) await rm(dir, { recursive: true, force: true });

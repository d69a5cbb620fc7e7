/**
 * Video benchmark: frames hashed per second and seconds of video hashed per second, against
 * baselines measured in the same run (FFmpeg alone decoding and converting to RGB, and PDQ alone
 * on frames already in memory), so the ratios show where the time goes.
 *
 *   npm run bench:video -- [--seconds 10] [--size 1280x720] [--fps 30] [--keep]
 *
 * The test video is a pan across a bundled photo, made with FFmpeg in a temporary directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pdqHash } from '../src/algorithms/pdq/pdq.js';
import type { PixelImage } from '../src/core/pixels.js';
import { probeVideo } from '../src/node/ffmpeg.js';
import { hashVideo } from '../src/node/hash-video.js';
import { ffmpegFrameArgs, readVideoFrames } from '../src/node/video-frames.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    size: { type: 'string', default: '1280x720' },
    fps: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const fps = Number(values.fps);
const [width, height] = values.size!.split('x').map(Number) as [number, number];

const dir = await mkdtemp(join(tmpdir(), 'imprint-bench-video-'));
const video = join(dir, `pan-${width}x${height}.mp4`);
const photo = new URL('../fixtures/photos/landscape-wide-1440.jpg', import.meta.url).pathname;
const made = spawnSync(
  'ffmpeg',
  [
    ...['-nostdin', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', String(fps), '-i', photo],
    ...['-vf', `scale=${Math.round(width * 1.5)}:-2,crop=${width}:${height}:'t*20':'t*5',format=yuv420p`],
    ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', video],
  ],
  { encoding: 'utf8' },
);
if (made.status !== 0) throw new Error(`could not make the test video: ${made.stderr || made.error}`);
const probe = await probeVideo(video);
const frameCount = Math.round(probe.duration! * probe.frameRate);
console.log(
  `video: ${probe.width}x${probe.height} ${probe.codec}, ${probe.duration!.toFixed(1)} s at ${probe.frameRateFraction} fps (${frameCount} frames); node ${process.version}\n`,
);

/** Wall-clock seconds of `run`. */
async function time(run: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// Baseline 1: FFmpeg decoding and converting every frame to RGB exactly as imprint asks, output discarded.
const ffmpegOnly = await time(
  () =>
    new Promise<void>((done, fail) => {
      const args = ffmpegFrameArgs(video, probe, 1);
      args.splice(args.length - 1, 1, '-y', '/dev/null');
      const p = spawn('ffmpeg', args, { stdio: 'ignore' });
      p.on('error', fail);
      p.on('close', (code) => (code === 0 ? done() : fail(new Error(`ffmpeg exited ${code}`))));
    }),
);

// Baseline 2: PDQ alone on frames already in memory.
const sample: PixelImage[] = [];
for await (const f of readVideoFrames(video, { secondsPerHash: 1 })) sample.push(f.image);
const pdqRounds = 30;
const pdqOnly = await time(async () => {
  for (let i = 0; i < pdqRounds; i++) pdqHash(sample[i % sample.length]!);
});
const pdqPerSecond = pdqRounds / pdqOnly;

// Frames through the pipe into JS, no hashing.
let piped = 0;
const readOnly = await time(async () => {
  for await (const _ of readVideoFrames(video, { secondsPerHash: 0 })) piped++;
});

// imprint: every frame (vPDQ -r 0) and the default one frame per second.
let everyFrame = 0;
const hashEvery = await time(async () => {
  everyFrame = (await hashVideo(video, { secondsPerHash: 0 })).length;
});
let sampled = 0;
const hashSampled = await time(async () => {
  sampled = (await hashVideo(video)).length;
});

const rows: [string, string, string][] = [
  ['FFmpeg decode + RGB, no hashing (baseline)', `${(frameCount / ffmpegOnly).toFixed(1)} frames/s`, '1.00'],
  [
    'frames piped into JS, no hashing',
    `${(piped / readOnly).toFixed(1)} frames/s`,
    (ffmpegOnly / readOnly).toFixed(2),
  ],
  [
    'PDQ alone on in-memory frames',
    `${pdqPerSecond.toFixed(1)} frames/s`,
    (pdqPerSecond / (frameCount / ffmpegOnly)).toFixed(2),
  ],
  [
    'hashVideo, every frame (-r 0)',
    `${(everyFrame / hashEvery).toFixed(1)} frames/s, ${(probe.duration! / hashEvery).toFixed(2)} s of video/s`,
    (ffmpegOnly / hashEvery).toFixed(2),
  ],
  [
    'hashVideo, 1 frame per second (default)',
    `${(sampled / hashSampled).toFixed(1)} frames/s, ${(probe.duration! / hashSampled).toFixed(2)} s of video/s`,
    (ffmpegOnly / hashSampled).toFixed(2),
  ],
];
const w = Math.max(...rows.map((r) => r[0].length));
const w2 = Math.max(...rows.map((r) => r[1].length));
console.log(`${'measure'.padEnd(w)}  ${'throughput'.padEnd(w2)}  speed vs baseline`);
for (const [name, value, ratio] of rows) console.log(`${name.padEnd(w)}  ${value.padEnd(w2)}  ${ratio}x`);
console.log(
  `\nHashing every frame runs at ${((everyFrame / hashEvery / pdqPerSecond) * 100).toFixed(0)}% of PDQ-alone speed: ` +
    'FFmpeg decodes in its own process, in parallel with hashing.',
);

if (values.keep) console.log(`kept ${video}`);
else await rm(dir, { recursive: true, force: true });

/** Test videos made on the fly with FFmpeg from the fixture photos, so nothing large is committed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../helpers.js';

/** Runs ffmpeg quietly; throws with its message when it fails. */
export function ffmpeg(...args: string[]): void {
  const r = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
    encoding: 'utf8',
    timeout: 600_000, // catches a hang only
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-video-'));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A slow pan across a photo (12 px/s across, 4 px/s down, in a 320x240 window of the photo scaled
 * to 480 wide): `seconds` long at `fps`, H.264 nearly lossless. Every frame differs a little from
 * the last, like real footage.
 */
export function panOverPhoto(
  photo: string,
  out: string,
  options: { seconds?: number; fps?: number } = {},
): void {
  const seconds = options.seconds ?? 6;
  ffmpeg(
    '-loop',
    '1',
    '-framerate',
    String(options.fps ?? 15),
    '-i',
    fixture('photos', photo),
    '-vf',
    "scale=480:-2,crop=320:240:'min(t*12,iw-320)':'min(t*4,ih-240)',format=yuv420p",
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    out,
  );
}

/** A slideshow: each photo shown for `secondsEach` seconds, 320x240, 10 fps, H.264. */
export function slideshow(photos: readonly string[], out: string, secondsEach = 1.5): void {
  const inputs = photos.flatMap((p) => [
    '-loop',
    '1',
    '-framerate',
    '10',
    '-t',
    String(secondsEach),
    '-i',
    fixture('photos', p),
  ]);
  const scaled = photos.map((_, i) => `[${i}:v]scale=320:240,setsar=1,format=yuv420p[v${i}]`).join(';');
  const concat = `${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1:a=0[out]`;
  ffmpeg(
    ...inputs,
    '-filter_complex',
    `${scaled};${concat}`,
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    out,
  );
}

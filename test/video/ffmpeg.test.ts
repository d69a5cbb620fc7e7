/**
 * The FFmpeg edge: conformance with vPDQ's published hashes, frame selection, colour handling as
 * vPDQ's swscale call does it, and every error code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../../src/core/hash.js';
import { probeVideo } from '../../src/node/ffmpeg.js';
import { hashVideo, hashVideoFrames } from '../../src/node/hash-video.js';
import { readVideoFrames, vpdqInputRange } from '../../src/node/video-frames.js';
import { formatVpdq, parseVpdq } from '../../src/video/vpdq-format.js';
import { fixture } from '../helpers.js';
import { ffmpeg, tempDir } from './ffmpeg-helpers.js';

const PADDED = fixture('pdq', 'vpdq', 'test-padded-dimensions.mp4');
const EXPECTED_TEXT = readFileSync(fixture('pdq', 'vpdq', 'test-padded-dimensions.expected.txt'), 'utf8');
const EXPECTED = parseVpdq(EXPECTED_TEXT);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('conformance with vPDQ (test-padded-dimensions.mp4, every frame, native size)', () => {
  it('reproduces all 150 reference frame hashes, qualities and timestamps exactly', async () => {
    // Measured: 150 of 150 identical, largest distance 0, with Debian FFmpeg 5.1 (the reference
    // file's encoder tag says FFmpeg 8). The conversion flags matter: with
    // `scale=flags=bicubic+accurate_rnd+full_chroma_int` only 79 of 150 frames are identical.
    const frames = await hashVideo(PADDED, { secondsPerHash: 0 });
    const distances = frames.map((f, i) => hammingDistance(f.hash, EXPECTED[i]!.hash));
    expect(frames).toHaveLength(150);
    expect(Math.max(...distances)).toBe(0);
    expect(formatVpdq(frames)).toBe(EXPECTED_TEXT);
  });

  it('with the default 1 s sampling keeps frames 0, 30, 60, 90, 120 of the 30 fps video', async () => {
    const frames = await hashVideo(PADDED);
    expect(frames.map((f) => f.frameNumber)).toEqual([0, 30, 60, 90, 120]);
    expect(formatVpdq(frames)).toBe(formatVpdq(EXPECTED.filter((f) => f.frameNumber % 30 === 0)));
  });

  it('streams: stopping early stops FFmpeg', async () => {
    const seen: number[] = [];
    for await (const f of hashVideoFrames(PADDED, { secondsPerHash: 0 })) {
      seen.push(f.frameNumber);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('frame selection and conversion', () => {
  it('samples every trunc(s * fps)-th decoded frame: the same pixels as decoding every frame', async () => {
    // 29.97 fps, so 1 s keeps every 29th frame; and a raw MPEG-4 stream with no average frame
    // rate, where vPDQ falls back to the base rate (10 fps: 0.5 s keeps every 5th frame).
    const ntsc = tmp.path('ntsc.mp4');
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=96x64:r=30000/1001:d=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      ntsc,
    );
    const m4v = tmp.path('raw.m4v');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=10:d=2', '-c:v', 'mpeg4', '-f', 'm4v', m4v);
    expect((await probeVideo(m4v)).frameRateFraction).toBe('10/1');
    for (const [file, seconds, step] of [
      [ntsc, 1, 29],
      [m4v, 0.5, 5],
    ] as const) {
      const all = await hashVideo(file, { secondsPerHash: 0 });
      const some = await hashVideo(file, { secondsPerHash: seconds });
      expect(some.map((f) => f.frameNumber)).toEqual(
        all.filter((f) => f.frameNumber % step === 0).map((f) => f.frameNumber),
      );
      expect(formatVpdq(some)).toBe(formatVpdq(all.filter((f) => f.frameNumber % step === 0)));
    }
  });

  it('ignores colour-matrix tags and rotation metadata, as vPDQ does', async () => {
    // Same coded pictures, different tags: vPDQ converts with swscale's defaults (BT.601) and
    // never rotates, so the hashes must not change. FFmpeg's defaults would honour both tags.
    const plain = tmp.path('plain.mp4');
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=128x96:r=10:d=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      plain,
    );
    const bt709 = tmp.path('bt709.mp4');
    ffmpeg(
      '-i',
      plain,
      '-c',
      'copy',
      '-bsf:v',
      'h264_metadata=matrix_coefficients=1:colour_primaries=1',
      bt709,
    );
    const rotated = tmp.path('rotated.mp4');
    ffmpeg('-i', plain, '-c', 'copy', '-metadata:s:v', 'rotate=90', rotated);
    const base = formatVpdq(await hashVideo(plain, { secondsPerHash: 0 }));
    expect(formatVpdq(await hashVideo(bt709, { secondsPerHash: 0 }))).toBe(base);
    expect(formatVpdq(await hashVideo(rotated, { secondsPerHash: 0 }))).toBe(base);
  });

  it("tells FFmpeg swscale's default input range for each pixel format", () => {
    expect(
      ['yuv420p', 'yuv444p', 'yuv422p10le', 'nv12', 'rgb24', 'bgra', 'pal8'].map(vpdqInputRange),
    ).toEqual(Array(7).fill('tv'));
    expect(['yuvj420p', 'yuvj444p', 'gray', 'gray10le', 'ya8', 'ya16be'].map(vpdqInputRange)).toEqual(
      Array(6).fill('pc'),
    );
  });

  it('gives each frame its own buffer, at native size, RGB', async () => {
    const frames = [];
    for await (const f of readVideoFrames(PADDED, { secondsPerHash: 2 })) frames.push(f);
    expect(frames.map((f) => [f.frameNumber, f.image.width, f.image.height, f.image.channels])).toEqual([
      [0, 1080, 1080, 3],
      [60, 1080, 1080, 3],
      [120, 1080, 1080, 3],
    ]);
    expect(frames[0]!.image.data).not.toBe(frames[1]!.image.data);
    expect(frames[0]!.image.data).not.toEqual(frames[2]!.image.data);
  });
});

describe('errors', () => {
  it('ERR_FILE_UNREADABLE and ERR_EMPTY_INPUT', async () => {
    expect(await codeOf(hashVideo(tmp.path('missing.mp4')))).toBe('ERR_FILE_UNREADABLE');
    expect(await codeOf(hashVideo(tmp.dir))).toBe('ERR_FILE_UNREADABLE');
    writeFileSync(tmp.path('empty.mp4'), '');
    expect(await codeOf(hashVideo(tmp.path('empty.mp4')))).toBe('ERR_EMPTY_INPUT');
  });

  it('ERR_VIDEO_UNREADABLE for a file that is not a video', async () => {
    expect(await codeOf(hashVideo(fixture('photos', 'not-an-image.jpg')))).toBe('ERR_VIDEO_UNREADABLE');
  });

  it('ERR_VIDEO_NO_STREAM for audio only', async () => {
    const audio = tmp.path('audio.m4a');
    ffmpeg('-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', audio);
    const err = await hashVideo(audio).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_VIDEO_NO_STREAM', location: { source: audio } });
  });

  it('ERR_VIDEO_NO_FRAMES when not one frame decodes', async () => {
    // A valid MP4 (size, frame rate) whose coded frames are all zero bytes.
    const good = tmp.path('good.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=10:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', good);
    const bytes = readFileSync(good);
    const mdat = bytes.indexOf('mdat');
    const size = bytes.readUInt32BE(mdat - 4);
    bytes.fill(0, mdat + 4, mdat - 4 + size);
    writeFileSync(tmp.path('zeroed.mp4'), bytes);
    expect(await codeOf(hashVideo(tmp.path('zeroed.mp4')))).toBe('ERR_VIDEO_NO_FRAMES');
  });

  it('ERR_VIDEO_TOO_LONG from the stated duration, or while decoding when none is stated', async () => {
    expect(await codeOf(hashVideo(PADDED, { maxDurationSeconds: 4 }))).toBe('ERR_VIDEO_TOO_LONG');
    const raw = tmp.path('raw.h264'); // a raw H.264 stream states no duration
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=64x48:r=10:d=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-f',
      'h264',
      raw,
    );
    expect((await probeVideo(raw)).duration).toBeUndefined();
    expect(await codeOf(hashVideo(raw, { maxDurationSeconds: 1.5 }))).toBe('ERR_VIDEO_TOO_LONG');
    expect(await hashVideo(raw, { maxDurationSeconds: 3 })).toHaveLength(3);
  });

  it('ERR_IMAGE_TOO_SMALL and ERR_IMAGE_TOO_LARGE for frame sizes', async () => {
    const tiny = tmp.path('tiny.mkv');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=4x4:r=5:d=1', '-c:v', 'ffv1', tiny);
    expect(await codeOf(hashVideo(tiny))).toBe('ERR_IMAGE_TOO_SMALL');
    expect(await codeOf(hashVideo(PADDED, { maxPixels: 1000 }))).toBe('ERR_IMAGE_TOO_LARGE');
  });

  it('ERR_FFMPEG_MISSING names the fix', async () => {
    const err = await hashVideo(PADDED, { ffmpegPath: '/nonexistent/bin/ffmpeg' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_FFMPEG_MISSING' });
    expect((err as Error).message).toMatch(/apt-get install ffmpeg/);
    expect(await codeOf(hashVideo(PADDED, { ffprobePath: 'ffprobe', ffmpegPath: 'no-such-ffmpeg' }))).toBe(
      'ERR_FFMPEG_MISSING',
    );
  });

  it('ERR_ABORTED, before and during decoding', async () => {
    expect(await codeOf(hashVideo(PADDED, { signal: AbortSignal.abort() }))).toBe('ERR_ABORTED');
    const controller = new AbortController();
    let frames = 0;
    const run = hashVideo(PADDED, {
      secondsPerHash: 0,
      signal: controller.signal,
      onProgress: (p) => {
        expect(p).toMatchObject({ phase: 'hashing video', path: PADDED });
        if (++frames === 2) controller.abort();
      },
    });
    expect(await codeOf(run)).toBe('ERR_ABORTED');
  });

  it('ERR_INVALID_ARGUMENT for bad options', async () => {
    for (const o of [{ secondsPerHash: -1 }, { maxDurationSeconds: 0 }, { maxPixels: 0.5 }]) {
      expect(await codeOf(hashVideo(PADDED, o))).toBe('ERR_INVALID_ARGUMENT');
    }
  });
});

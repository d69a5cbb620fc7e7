/**
 * vPDQ matching on real decodes: copies of a generated video (re-encoded, resized, trimmed, a
 * different frame rate) must match it; videos made from other photos must not. All hashed with
 * the default sampling (one frame per second) unless a test says otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashVideo } from '../../src/node/hash-video.js';
import type { VideoFrameHash } from '../../src/video/frame-hash.js';
import { compareVideos } from '../../src/video/match.js';
import { VideoIndex } from '../../src/video/video-index.js';
import { ffmpeg, panOverPhoto, slideshow, tempDir } from './ffmpeg-helpers.js';

const tmp = tempDir();
const hashes: Record<string, VideoFrameHash[]> = {};
const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];
const CLIP_MODE = { minQueryMatchPercent: 80, minComparedMatchPercent: 0 };

beforeAll(async () => {
  const src = tmp.path('source.mp4');
  panOverPhoto('landscape-mountain.jpg', src, { seconds: 6, fps: 15 });
  ffmpeg('-i', src, '-c:v', 'mpeg4', '-q:v', '12', tmp.path('reencoded.avi')); // other codec, low bitrate
  ffmpeg('-i', src, '-vf', 'scale=160:120', ...h264, '-crf', '30', tmp.path('resized.mp4'));
  ffmpeg('-i', src, '-r', '24', ...h264, tmp.path('fps24.mp4'));
  ffmpeg('-ss', '2', '-i', src, '-t', '3', ...h264, tmp.path('trimmed.mp4')); // seconds 2..5
  ffmpeg('-ss', '1.5', '-i', src, '-t', '3', ...h264, tmp.path('trimmed-off-grid.mp4')); // 1.5..4.5
  panOverPhoto('city-skyline.jpg', tmp.path('other-pan.mp4'), { seconds: 6, fps: 15 });
  slideshow(['flower.jpg', 'coffee.jpg', 'astronaut.jpg', 'rocket.jpg'], tmp.path('other-slideshow.mp4'));
  const names = [
    'source.mp4',
    'reencoded.avi',
    'resized.mp4',
    'fps24.mp4',
    'trimmed.mp4',
    'trimmed-off-grid.mp4',
    'other-pan.mp4',
    'other-slideshow.mp4',
  ];
  for (const name of names) hashes[name] = await hashVideo(tmp.path(name));
  hashes['source every frame'] = await hashVideo(src, { secondsPerHash: 0 });
});
afterAll(() => tmp.cleanup());

describe('copies of a video match it with vPDQ defaults (80% of the known video found)', () => {
  it.each(['reencoded.avi', 'resized.mp4', 'fps24.mp4'])('%s', (name) => {
    const upload = hashes[name]!;
    expect(upload.length).toBeGreaterThanOrEqual(5);
    const score = compareVideos(upload, hashes['source.mp4']!);
    expect(score.isMatch).toBe(true);
    expect(score.comparedMatchPercent).toBeGreaterThanOrEqual(80);
    // and the other way round: the copy as the known video, the original as the upload
    expect(compareVideos(hashes['source.mp4']!, upload).isMatch).toBe(true);
  });
});

describe('trimmed copies', () => {
  it('an upload containing a known clip matches it (the README defaults tolerate padding)', () => {
    const score = compareVideos(hashes['source.mp4']!, hashes['trimmed.mp4']!);
    expect(score.comparedMatchPercent).toBe(100);
    expect(score.isMatch).toBe(true);
  });

  it('an upload that is a clip of a known video: every upload frame is found, but only half the known video', () => {
    const score = compareVideos(hashes['trimmed.mp4']!, hashes['source.mp4']!);
    expect(score.queryMatchPercent).toBe(100);
    expect(score.comparedMatchPercent).toBe(50); // 3 of 6 seconds
    expect(score.isMatch).toBe(false); // with the defaults (80% of the known video)
    expect(compareVideos(hashes['trimmed.mp4']!, hashes['source.mp4']!, CLIP_MODE).isMatch).toBe(true);
  });

  it('a clip cut between sampled seconds is found when the known video is hashed densely', () => {
    // Sampled at 1.5, 2.5, 3.5 s of the source: half-way between the source's sampled seconds,
    // where this (continuously panning) picture has moved too far. Every-frame known hashes fix it.
    const upload = hashes['trimmed-off-grid.mp4']!;
    expect(compareVideos(upload, hashes['source every frame']!, CLIP_MODE).queryMatchPercent).toBe(100);
  });
});

describe('unrelated videos do not match', () => {
  it.each(['other-pan.mp4', 'other-slideshow.mp4'])('%s', (name) => {
    for (const [a, b] of [
      [hashes[name]!, hashes['source.mp4']!],
      [hashes['source.mp4']!, hashes[name]!],
    ] as const) {
      const score = compareVideos(a, b);
      expect(score.isMatch).toBe(false);
      expect(score.queryMatchPercent).toBe(0);
      expect(score.comparedMatchPercent).toBe(0);
    }
  });
});

describe('a VideoIndex of the known videos finds the right one', () => {
  it('returns the source for each copy, and nothing for unrelated uploads', () => {
    const index = new VideoIndex<string>();
    for (const known of ['source.mp4', 'other-pan.mp4', 'other-slideshow.mp4'])
      index.add(hashes[known]!, known);
    for (const upload of ['reencoded.avi', 'resized.mp4', 'fps24.mp4']) {
      expect(index.query(hashes[upload]!).map((m) => m.metadata)).toEqual(['source.mp4']);
    }
    expect(index.query(hashes['trimmed.mp4']!, CLIP_MODE).map((m) => m.metadata)).toEqual(['source.mp4']);
    const unrelated = new VideoIndex<string>();
    unrelated.add(hashes['source.mp4']!, 'source.mp4');
    expect(unrelated.query(hashes['other-pan.mp4']!, { minComparedMatchPercent: 0 })).toEqual([]);
    expect(unrelated.query(hashes['other-slideshow.mp4']!, { minComparedMatchPercent: 0 })).toEqual([]);
  });
});

/** `imprint video hash|match` and the `--video` aliases, through the built binary. */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { imprint } from '../cli/run.js';
import { tempDir } from './ffmpeg-helpers.js';

const VIDEO = 'fixtures/pdq/vpdq/test-padded-dimensions.mp4';
const KNOWN = 'fixtures/pdq/vpdq/test-padded-dimensions.expected.txt';
const EXPECTED = readFileSync(KNOWN, 'utf8');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('imprint video hash', () => {
  it('prints the vPDQ file vpdq-hash-video writes (every frame)', () => {
    const r = imprint(['video', 'hash', '--seconds-per-hash', '0', VIDEO]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(EXPECTED);
  });

  it('is also imprint hash --video', () => {
    const r = imprint(['hash', '--video', '--seconds-per-hash', '2', VIDEO]);
    expect(r.code).toBe(0);
    const lines = EXPECTED.split('\n');
    expect(r.stdout).toBe(`${[0, 60, 120].map((n) => lines[n]).join('\n')}\n`);
  });

  it('writes one file per video with -d, NDJSON with --json', () => {
    const r = imprint(['video', 'hash', '-d', tmp.dir, VIDEO]);
    expect(r.code).toBe(0);
    const lines = readFileSync(tmp.path('test-padded-dimensions.txt'), 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['0', '30', '60', '90', '120']);
    const j = imprint(['video', 'hash', '--json', '--seconds-per-hash', '2', VIDEO]);
    expect(
      j.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(
      [0, 60, 120].map((n) => {
        const [frameNumber, quality, hash] = EXPECTED.split('\n')[n]!.split(',');
        return {
          path: VIDEO,
          frameNumber: Number(frameNumber),
          quality: Number(quality),
          hash,
          timestamp: n / 30,
        };
      }),
    );
  });

  it('reports a failing video with its code and exit 3; usage mistakes exit 2', () => {
    const r = imprint(['video', 'hash', 'fixtures/photos/not-an-image.jpg']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not-an-image\.jpg: ERR_VIDEO_UNREADABLE: /);
    expect(imprint(['video', 'hash', VIDEO, VIDEO]).code).toBe(2); // several videos need -d or --json
    expect(imprint(['video', 'hash', '--seconds-per-hash', '-1', VIDEO]).code).toBe(2);
    expect(imprint(['video', 'frobnicate']).code).toBe(2);
  });
});

describe('imprint video match', () => {
  it('finds the known video for an upload given as hashes or as a video, also as imprint match --video', () => {
    const same = imprint(['video', 'match', '--list', KNOWN, KNOWN]);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`${KNOWN}\t100.00\t100.00\t${KNOWN}\n`);
    // The video, hashed at 1 frame per second: each of its 5 frames is one of the known frames
    // (--all: the 5 frames cover only part of the 150 known ones, below the default 80%).
    const video = imprint(['match', '--video', '--all', '--list', KNOWN, VIDEO]);
    expect(video.code).toBe(0);
    const [upload, queryPercent, comparedPercent, known] = video.stdout.trimEnd().split('\t');
    expect([upload, queryPercent, known]).toEqual([VIDEO, '100.00', KNOWN]);
    expect(comparedPercent).toMatch(/^\d+\.\d\d$/);
  });

  it('prints nothing and exits 1 when nothing matches; --all and --json show the scores', () => {
    // An upload whose 5 frames share only the first frame with the known video.
    const lines = EXPECTED.split('\n');
    const flipped = (line: string) => {
      const [f, q, h, t] = line.split(',') as [string, string, string, string];
      const inverted = [...h].map((c) => (15 - Number.parseInt(c, 16)).toString(16)).join('');
      return `${f},${q},${inverted},${t}`;
    };
    writeFileSync(
      tmp.path('upload.txt'),
      [lines[0]!, ...[30, 60, 90, 120].map((n) => flipped(lines[n]!))].join('\n'),
    );
    const none = imprint(['video', 'match', '--list', KNOWN, tmp.path('upload.txt')]);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    const all = imprint(['video', 'match', '--all', '--json', '--list', KNOWN, tmp.path('upload.txt')]);
    expect(all.code).toBe(0);
    const record = JSON.parse(all.stdout);
    expect(record.matches).toHaveLength(1);
    expect(record.matches[0]).toMatchObject({
      known: KNOWN,
      queryMatchedFrames: 1,
      queryFrames: 5,
      queryMatchPercent: 20,
    });
  });

  it('takes a known video as python-threatexchange and HMA store it (JSON array of "hash,quality,seconds")', () => {
    const COMPACT = 'fixtures/lists/vpdq-pytx-compact.json';
    const r = imprint(['video', 'match', '--list', COMPACT, KNOWN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${KNOWN}\t100.00\t100.00\t${COMPACT}\n`);
    // And as an upload.
    expect(imprint(['video', 'match', '--list', KNOWN, COMPACT]).stdout).toBe(
      `${COMPACT}\t100.00\t100.00\t${KNOWN}\n`,
    );
  });

  it('video hash --format pytx writes the JSON array python-threatexchange writes', () => {
    const r = imprint(['video', 'hash', '--seconds-per-hash', '0', '--format', 'pytx', VIDEO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${readFileSync('fixtures/lists/vpdq-pytx-compact.json', 'utf8')}\n`);
  });

  it('reports bad known files with their line and exits 3', () => {
    writeFileSync(tmp.path('bad.txt'), `${EXPECTED.split('\n')[0]}\n0,100,nothex,0.000\n`);
    const r = imprint(['video', 'match', '--list', tmp.path('bad.txt'), KNOWN]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad\.txt: ERR_HASH_LIST_SYNTAX: .*line 2/);
    expect(imprint(['video', 'match', VIDEO]).code).toBe(2); // no --list
  });
});

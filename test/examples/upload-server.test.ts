import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUploadServer } from '../../examples/upload-server/server.mjs';
import { imprint } from '../cli/run.js';
import { fixture } from '../helpers.js';

let dir: string;
let server: Awaited<ReturnType<typeof startUploadServer>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imprint-upload-server-'));
  const known = join(dir, 'known');
  mkdirSync(known);
  for (const name of ['coffee.jpg', 'rocket.jpg', 'astronaut.jpg']) {
    await sharp(fixture('photos', name)).toFile(join(known, name));
  }
  const built = imprint([
    'index',
    'build',
    '--images',
    known,
    '--method',
    'pdq-max',
    '-o',
    join(dir, 'known.idx'),
  ]);
  expect(built.code).toBe(0);
  server = await startUploadServer({ index: join(dir, 'known.idx'), port: 0 });
}, 600_000);

afterAll(() => server?.close());

async function post(body: Uint8Array): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/match`, { method: 'POST', body: new Blob([new Uint8Array(body)]) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('examples/upload-server (built package)', () => {
  it('answers a known photo’s altered copy with a match, an unrelated photo with none, and counts them', async () => {
    const mirrored = await sharp(fixture('photos', 'coffee.jpg')).flop().jpeg({ quality: 80 }).toBuffer();
    const hit = await post(mirrored);
    expect(hit.status).toBe(200);
    expect(hit.json).toEqual(
      expect.objectContaining({
        match: true,
        method: 'pdq-max',
        skipped: null,
        matches: [expect.objectContaining({ metadata: ['coffee.jpg'] })],
      }),
    );
    const miss = await post(readFileSync(fixture('photos', 'flower.jpg')));
    expect(miss.status).toBe(200);
    expect(miss.json).toEqual(expect.objectContaining({ match: false, matches: [] }));
    const broken = await post(readFileSync(fixture('photos', 'not-an-image.jpg')));
    expect(broken.status).toBe(400);
    expect(broken.json).toEqual({ error: expect.objectContaining({ code: 'ERR_NOT_AN_IMAGE' }) });
    const stats = (await (await fetch(`${server.url}/stats`)).json()) as Record<string, unknown>;
    expect(stats).toEqual(
      expect.objectContaining({
        uploads: 3,
        matched: 1,
        failed: 1,
        method: 'pdq-max',
        knownHashes: server.knownHashes,
      }),
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses to start on an unusable list', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'hash,case\n');
    await expect(startUploadServer({ list: empty })).rejects.toMatchObject({ code: 'ERR_LIST_EMPTY' });
  });
});

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imprint, ROOT } from '../cli/run.js';
import { fixture } from '../helpers.js';

describe('an interrupted `imprint hash -o` loses nothing', () => {
  it('SIGTERM leaves complete lines only and exit 130; --resume finishes the rest exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-interrupt-'));
    const images = join(dir, 'images');
    mkdirSync(images);
    for (let i = 0; i < 80; i++) {
      copyFileSync(
        fixture('photos', 'landscape-wide-1440.jpg'),
        join(images, `img-${String(i).padStart(3, '0')}.jpg`),
      );
    }
    const out = join(dir, 'hashes.csv');
    const child = spawn(process.execPath, [
      join(ROOT, 'dist/cli/main.js'),
      'hash',
      '-r',
      '--concurrency',
      '1',
      '-o',
      out,
      images,
    ]);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // Wait until some lines are written, then interrupt.
    for (
      let i = 0;
      i < 200 && !(existsSync(`${out}.partial`) && readFileSync(`${out}.partial`, 'utf8').length > 0);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toContain('--resume');
    expect(existsSync(out)).toBe(false); // the final file appears only when complete
    const partial = readFileSync(`${out}.partial`, 'utf8');
    expect(partial.endsWith('\n')).toBe(true);
    const before = partial.trim().split('\n');
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(80);
    for (const line of before) expect(line).toMatch(/^[0-9a-f]{64},\d+,.*img-\d{3}\.jpg$/);

    const resumed = imprint(['hash', '-r', '-o', out, '--resume', images]);
    expect(resumed.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(80);
    expect(new Set(lines.map((l) => l.split(',').slice(2).join(','))).size).toBe(80);
    expect(lines.slice(0, before.length)).toEqual(before);
  });
});

describe('an interrupted `imprint match`', () => {
  it('says so on stderr, keeps complete lines and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-interrupt-match-'));
    const images = join(dir, 'images');
    mkdirSync(images);
    for (let i = 0; i < 60; i++) {
      copyFileSync(
        fixture('photos', 'landscape-wide-1440.jpg'),
        join(images, `img-${String(i).padStart(3, '0')}.jpg`),
      );
    }
    const list = join(dir, 'known.csv');
    const known = imprint(['hash', fixture('photos', 'landscape-wide-1440.jpg')]).stdout.split(',')[0];
    writeFileSync(list, `${known},wide\n`);
    const child = spawn(process.execPath, [
      join(ROOT, 'dist/cli/main.js'),
      'match',
      '--list',
      list,
      '-r',
      images,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    for (let i = 0; i < 500 && stdout.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/imprint match: interrupted after \d+ files \(\d+ matched\)/);
    expect(stdout.endsWith('\n')).toBe(true);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeLessThan(60);
    for (const line of lines) expect(line).toMatch(/img-\d{3}\.jpg\t0\t[0-9a-f]{64}\twide\tplain\tplain$/);
  });
});

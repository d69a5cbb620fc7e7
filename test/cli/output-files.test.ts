import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAtomicFile } from '../../src/node/atomic-file.js';
import { imprint } from './run.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'imprint-output-'));
});

/** Every file and directory name under `dir` (a leftover `.partial` or temporary file shows here). */
function listing(at: string): string[] {
  return readdirSync(at, { recursive: true }).map(String).sort();
}

describe('-o into a missing directory or onto a directory (built binary)', () => {
  it.each([
    ['hash', ['hash', 'fixtures/photos/coffee.jpg']],
    ['video hash', ['video', 'hash', 'fixtures/pdq/vpdq/test-padded-dimensions.mp4']],
  ])('%s: ERR_FILE_UNWRITABLE, exit 3, no stack trace, nothing left behind', (_name, args) => {
    const here = mkdtempSync(join(dir, 'case-'));
    mkdirSync(join(here, 'a-directory'));
    const before = listing(here);
    for (const target of [join(here, 'missing', 'out.txt'), join(here, 'a-directory')]) {
      const r = imprint([...args, '-o', target]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/ERR_FILE_UNWRITABLE: .*(no such directory|is a directory)/);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(listing(here)).toEqual(before);
    }
  });

  it('video hash -d into a missing directory is refused the same way', () => {
    const r = imprint([
      'video',
      'hash',
      'fixtures/pdq/vpdq/test-padded-dimensions.mp4',
      '-d',
      join(dir, 'nope'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ERR_FILE_UNWRITABLE');
  });
});

describe('openAtomicFile', () => {
  it('writes beside the target and renames on commit; abandon leaves the target as it was', async () => {
    const target = join(dir, 'atomic.txt');
    const first = await openAtomicFile(target);
    await first.write('one\n');
    expect(() => readFileSync(target)).toThrow();
    await first.commit();
    expect(readFileSync(target, 'utf8')).toBe('one\n');
    const second = await openAtomicFile(target);
    await second.write('two\n');
    await second.abandon();
    expect(readFileSync(target, 'utf8')).toBe('one\n');
    expect(listing(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a named partial file on request (what --resume reads back)', async () => {
    const target = join(dir, 'resumable.txt');
    const partial = `${target}.partial`;
    const file = await openAtomicFile(target, { partialPath: partial });
    file.stream.write('line 1\n');
    await file.abandon({ keep: true });
    expect(readFileSync(partial, 'utf8')).toBe('line 1\n');
    const resumed = await openAtomicFile(target, { partialPath: partial, append: true });
    resumed.stream.write('line 2\n');
    await resumed.commit();
    expect(readFileSync(target, 'utf8')).toBe('line 1\nline 2\n');
  });
});

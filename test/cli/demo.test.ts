import { describe, expect, it } from 'vitest';
import { imprint } from './run.js';

/** The "edit  plain  method" rows of the demo's table, as counts. */
function rows(stdout: string): Map<string, { plain: number; method: number; of: number }> {
  const out = new Map<string, { plain: number; method: number; of: number }>();
  for (const m of stdout.matchAll(/^ {3}(.+?) +(\d+)\/(\d+) +(\d+)\/\d+$/gm)) {
    out.set(m[1]!, { plain: Number(m[2]), method: Number(m[4]), of: Number(m[3]) });
  }
  return out;
}

describe('imprint demo (npm start)', () => {
  it('matches altered copies of the bundled photos, the default method at least as often as plain PDQ, and nothing unrelated', () => {
    const r = imprint(['demo', 'fixtures/photos']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('skipped fixtures/photos/not-an-image.jpg: ERR_NOT_AN_IMAGE');
    expect(r.stdout).toContain('; 0 false matches.');
    const table = rows(r.stdout);
    expect([...table.keys()]).toHaveLength(9);
    for (const [edit, row] of table) {
      expect(row.method, edit).toBeGreaterThanOrEqual(row.plain);
    }
    // What plain PDQ is known for, and what the default method adds (README, Robustness).
    for (const edit of ['resized to 50%', 'JPEG quality 30']) {
      expect(table.get(edit)!.plain).toBe(table.get(edit)!.of);
    }
    for (const edit of ['mirrored', 'rotated 90°', 'white border 10%', 'rotated 4°', 'cropped to 90%']) {
      expect(table.get(edit)!.plain, edit).toBe(0);
      expect(table.get(edit)!.method, edit).toBe(table.get(edit)!.of);
    }
    // A caption bar laid over the picture: the bands the default method stores cut it away.
    const caption = table.get('caption bar over the top')!;
    expect(caption.plain).toBeLessThan(caption.of);
    expect(caption.method).toBe(caption.of);
  }, 90_000);
});

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
  // What matters, not heuristic counts that tuning moves: the default method finds every altered
  // copy, plain PDQ never finds more, unrelated photos match nothing, broken files are reported.
  // The timeout only catches a hang: the demo takes ~20 s idle, ~90 s on a loaded 2-core machine.
  it('finds every altered copy of a known photo with the default method, and nothing unrelated', () => {
    const r = imprint(['demo', 'fixtures/photos']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('skipped fixtures/photos/not-an-image.jpg: ERR_NOT_AN_IMAGE');
    expect(r.stdout).toContain('skipped fixtures/photos/truncated-coffee.jpg: ERR_IMAGE_CORRUPT');
    expect(r.stdout).toMatch(/pdq-max 198\/198; 0 false matches\.$/m);
    expect(r.stdout).not.toContain('FALSE MATCH');
    const table = rows(r.stdout);
    expect([...table.keys()]).toHaveLength(9);
    for (const [edit, row] of table) {
      expect(row.method, edit).toBe(row.of);
      expect(row.plain, edit).toBeLessThanOrEqual(row.method);
    }
  }, 600_000);
});

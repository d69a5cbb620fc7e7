import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BEGIN,
  END,
  met,
  parseSummary,
  plan,
  renderMarkdown,
  renderText,
  replaceSection,
  rows,
  type SuiteRun,
} from '../../bench/report.js';
import { type Figure, figure, type Summary, sizeKey } from '../../bench/summary.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

const context = {
  command: 'npm run bench -- --smoke',
  date: '2026-12-07 13:00 UTC',
  durationMin: 1,
  machine: '2 x test CPU, 24 GiB, Node v20',
  loadBefore: '1.00',
  loadAfter: '2.00',
};

const run: SuiteRun = {
  suite: 'match',
  args: [],
  expect: [
    { id: 'a', target: { text: '>= 10 q/s', check: (f: Figure) => f.value >= 10 } },
    { id: 'b', target: { text: '<= 2x', check: (f: Figure) => (f.ratio ?? Infinity) <= 2 } },
    { id: 'c' },
  ],
};

describe('the bench report', () => {
  it('reports a planned figure that no summary holds as missing, and keeps unplanned ones', () => {
    const summary: Summary = {
      suite: 'match',
      argv: [],
      figures: [
        figure('a', 'A rate', 12, 'q/s', { label: 'base', value: 3 }),
        figure('b', 'B time', 5, 'ms', { label: 'floor', value: 2 }),
        figure('extra', 'not planned', 1, 'ms', null),
      ],
    };
    const table = rows([run], new Map([['match', summary]]));
    expect(table.map((r) => r.id)).toEqual(['a', 'b', 'c', 'extra']);
    expect(table.map(met)).toEqual(['yes', 'NO', 'missing', '-']);
    expect(table[2]!.missing).toBe('the suite gave no such figure');
    const text = renderText(table);
    expect(text).toMatch(/^c\s+MISSING/m);
    expect(text).toContain('4.00x'); // 12 / 3
    expect(text).toContain('2.50x'); // 5 / 2
  });

  it('says why every figure of a suite that gave no summary is missing', () => {
    const table = rows([run], new Map([['match', 'bench/match.ts exited 1 without a summary']]));
    expect(table.map(met)).toEqual(['missing', 'missing', 'missing']);
    expect(renderMarkdown(table, context)).toContain('exited 1 without a summary');
    expect(rows([run], new Map()).every((r) => r.missing === 'not run')).toBe(true);
  });

  it('marks a target not met when the answers differed, whatever the speed', () => {
    const f = figure('a', 'A', 100, 'q/s', null, 'ANSWERS DIFFER from the flat scan');
    expect(met(rows([run], new Map([['match', { suite: 'match', argv: [], figures: [f] }]]))[0]!)).toBe('NO');
  });

  it('refuses a malformed summary', () => {
    expect(() => parseSummary('{', 's.json')).toThrow(/not JSON/);
    expect(() => parseSummary('{"suite":"x"}', 's.json')).toThrow(/not a benchmark summary/);
    const bad = {
      suite: 'x',
      argv: [],
      figures: [{ id: 'a', label: 'A', value: '1', unit: 'ms', baseline: null, ratio: null }],
    };
    expect(() => parseSummary(JSON.stringify(bad), 's.json')).toThrow(/figure 0 is malformed/);
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\n\nbefore\n${BEGIN}\nold\n${END}\nafter\n`;
    expect(replaceSection(doc, 'new')).toBe(`# T\n\nbefore\n${BEGIN}\nnew\n${END}\nafter\n`);
    expect(() => replaceSection('no markers', 'new')).toThrow(/expected one/);
    expect(() => replaceSection(`${END}${BEGIN}`, 'new')).toThrow(/expected one/);
  });

  it('names sizes the way the plan does', () => {
    expect([1e6, 1e7, 1e8, 2e4, 2.5e6, 2000].map(sizeKey)).toEqual([
      '1e6',
      '1e7',
      '1e8',
      '2e4',
      '2.5e6',
      '2e3',
    ]);
  });

  it('runs every suite at tiny sizes and reports every planned figure (npm run bench -- --smoke)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-bench-test-'));
    try {
      // The startup suite measures the built CLI; without a build (running this file alone) it is left out.
      const built = existsSync(join(root, 'dist', 'cli', 'main.js'));
      const runs = plan('smoke').filter((r) => built || r.suite !== 'startup');
      const json = join(dir, 'rows.json');
      const md = join(dir, 'perf.md');
      writeFileSync(md, `# Perf\n${BEGIN}\nold table\n${END}\nkept\n`);
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--smoke', '--no-build', '--json', json, '--markdown', md].concat(
          ['--only', runs.map((r) => r.name ?? r.suite).join(',')],
        ),
        { cwd: root, encoding: 'utf8' },
      );
      const out = JSON.parse(readFileSync(json, 'utf8')) as {
        rows: { id: string; figure?: Figure; missing?: string }[];
      };
      // Where no C compiler or libjpeg headers are found the hash suite skips the C baseline
      // (saying why): its figures must then be reported missing, not dropped.
      const noC = child.stdout.includes('JPEG decode vs libjpeg-turbo: skipped');
      const needsC = (id: string) => id.startsWith('decode.') || id.startsWith('pdq.vs-c');
      const planned = runs.flatMap((r) => r.expect.map((e) => e.id));
      const got = new Map(out.rows.map((r) => [r.id, r]));
      for (const id of planned) {
        const row = got.get(id);
        expect(row, id).toBeDefined();
        if (noC && needsC(id)) {
          expect(row!.missing).toBe('the suite gave no such figure');
          continue;
        }
        expect(row!.missing, `${id}: ${row!.missing}`).toBeUndefined();
        expect(Number.isFinite(row!.figure!.value), id).toBe(true);
        expect(child.stdout).toContain(row!.figure!.label);
      }
      expect(child.status, child.stderr.slice(-2000)).toBe(noC ? 1 : 0);
      const doc = readFileSync(md, 'utf8');
      expect(doc).not.toContain('old table');
      expect(doc).toMatch(/^kept$/m);
      expect(doc).toContain('| figure | value | baseline (same run) | ratio | target | met? |');
      expect(doc).toContain('load average');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

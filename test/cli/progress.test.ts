import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, timeLeft } from '../../src/cli/progress.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => {
    text += d;
  });
  return { out, text: () => text };
}

describe('progress line', () => {
  it('shows done/total and the time left at the rate so far', async () => {
    const { out, text } = capture();
    const progress = new Progress(out, true, 'match');
    await new Promise((r) => setTimeout(r, 120));
    progress.update(3, 1, 10);
    expect(text()).toMatch(/match 3\/10 \(1 failed\), \d+s left$/);
  });

  it('shows a lower bound while the inputs are still being counted, and nothing off a terminal', () => {
    const { out, text } = capture();
    new Progress(out, true, 'hash').update(5, 0, undefined, 40);
    expect(text()).toContain('hash 5/>=40');
    const silent = capture();
    new Progress(silent.out, false, 'hash').update(5, 0, 10);
    expect(silent.text()).toBe('');
  });

  it('words the time left in seconds, minutes or hours', () => {
    expect(timeLeft(42_000)).toBe('42s');
    expect(timeLeft(185_000)).toBe('3m05s');
    expect(timeLeft(7_620_000)).toBe('2h07m');
  });
});

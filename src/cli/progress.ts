import type { Writable } from 'node:stream';

/**
 * A one-line progress display on a terminal's stderr; silent when stderr is not a terminal. With
 * a total it shows `done/total` and the time left at the rate so far; while the total is still
 * being counted (a directory being walked), `done/>=seen`.
 */
export class Progress {
  #last = 0;
  #shown = false;
  #started = Date.now();

  constructor(
    private readonly out: Writable,
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  /**
   * `total` is the final count when known; `atLeast` a lower bound while it is not (both optional).
   */
  update(done: number, failed: number, total?: number, atLeast?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return; // at most 10 redraws a second
    this.#last = now;
    this.#shown = true;
    const of = total !== undefined ? `/${total}` : atLeast !== undefined ? `/>=${atLeast}` : '';
    const left =
      total !== undefined && done > 0 && done < total
        ? `, ${timeLeft(((now - this.#started) / done) * (total - done))} left`
        : '';
    this.out.write(`\r\x1b[K${this.label} ${done}${of}${failed ? ` (${failed} failed)` : ''}${left}`);
  }

  /** Clears the line so diagnostics and the summary start on a clean line. */
  clear(): void {
    if (this.enabled && this.#shown) this.out.write('\r\x1b[K');
    this.#shown = false;
  }
}

/** `42s`, `3m05s`, `2h07m`. */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

import type { Writable } from 'node:stream';

/** A one-line progress display on a terminal's stderr; silent when stderr is not a terminal. */
export class Progress {
  #last = 0;
  #shown = false;

  constructor(
    private readonly out: Writable,
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  update(done: number, failed: number, total?: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.#last < 100) return; // at most 10 redraws a second
    this.#last = now;
    this.#shown = true;
    const of = total === undefined ? '' : `/${total}`;
    this.out.write(`\r\x1b[K${this.label} ${done}${of}${failed ? ` (${failed} failed)` : ''}`);
  }

  /** Clears the line so diagnostics and the summary start on a clean line. */
  clear(): void {
    if (this.enabled && this.#shown) this.out.write('\r\x1b[K');
    this.#shown = false;
  }
}

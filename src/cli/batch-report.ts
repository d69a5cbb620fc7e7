import type { ImprintError } from '../core/errors.js';
import type { CliIo } from './command.js';
import { expandInputs } from './inputs.js';
import { Progress } from './progress.js';

/**
 * What `hash` and `match` share over a batch of inputs: the expanded paths, a progress line on a
 * terminal, and every failed input reported on stderr with its code and counted for the summary.
 */
export class BatchReport {
  readonly progress: Progress;
  /** Inputs that failed, before or during hashing. */
  failed = 0;
  /** Files the batch finished, good or bad. */
  done = 0;
  /** Inputs refused before hashing (a directory without -r). */
  #unexpanded = 0;

  constructor(
    private readonly command: string,
    private readonly io: CliIo,
  ) {
    this.progress = new Progress(io.stderr, io.stderrIsTTY, command);
  }

  /** The files to process, reporting inputs that cannot be expanded. */
  paths(inputs: readonly string[], recursive: boolean): AsyncGenerator<string> {
    return expandInputs(inputs, {
      cwd: this.io.cwd,
      recursive,
      onProblem: (p) => {
        this.#unexpanded++;
        this.fail(p.path, p.message);
      },
    });
  }

  /** Reports one failed input on stderr. */
  fail(path: string, message: string): void {
    this.failed++;
    this.progress.clear();
    this.io.stderr.write(`imprint ${this.command}: ${path}: ${message}\n`);
  }

  /** Reports a file the batch could not hash, with its error code. */
  failFile(path: string, error: ImprintError): void {
    // The loader names the file it was given, which may be `path` resolved against the cwd.
    const named = error.message.indexOf(`${path}: `);
    const prefix = error.message.slice(0, Math.max(0, named));
    const message =
      named >= 0 && (prefix === '' || prefix.endsWith('/') || prefix.endsWith('\\'))
        ? error.message.slice(named + path.length + 2)
        : error.message;
    this.fail(path, `${error.code}: ${message}`);
  }

  /** Counts a finished file and redraws the progress line. */
  finished(): void {
    this.done++;
    this.progress.update(this.done, this.failed);
  }

  /** Clears the progress line and prints the failure count; true when something failed. */
  summarize(): boolean {
    this.progress.clear();
    if (this.failed === 0) return false;
    this.io.stderr.write(
      `imprint ${this.command}: ${this.failed} of ${this.done + this.#unexpanded} inputs failed\n`,
    );
    return true;
  }
}

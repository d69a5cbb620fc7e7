import { ImprintError } from '../core/errors.js';
import type { CliIo } from './command.js';
import { expandInputs } from './inputs.js';
import { Progress } from './progress.js';

/**
 * What `hash`, `match` and `index build` share over a batch of inputs: the expanded paths (walked
 * ahead in the background, so the progress line knows the total early), a progress line on a
 * terminal with the time left, and every failed input reported on stderr with its code and
 * counted for the summary.
 */
export class BatchReport {
  readonly progress: Progress;
  /** Inputs that failed, before or during hashing. */
  failed = 0;
  /** Files the batch finished, good or bad. */
  done = 0;
  /** Inputs refused before hashing and reported at once (a directory without -r). */
  #unexpanded = 0;
  /** Paths the expansion has produced so far, and whether it has finished. */
  #seen = 0;
  #walked = false;
  /** With `inOrder`: inputs refused while expanding, failed when their turn comes. */
  readonly #refused = new Map<string, string>();

  constructor(
    private readonly command: string,
    private readonly io: CliIo,
  ) {
    this.progress = new Progress(io.stderr, io.stderrIsTTY, command);
  }

  /**
   * The files to process. Inputs that cannot be expanded (a directory without -r) are reported at
   * once, or with `inOrder` yielded like any path, for {@link BatchReport.refusal} to fail in
   * their place in the output.
   */
  async *paths(
    inputs: readonly string[],
    recursive: boolean,
    options: { inOrder?: boolean } = {},
  ): AsyncGenerator<string> {
    const queue: string[] = [];
    let head = 0;
    let finished = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const push = (path: string): void => {
      queue.push(path);
      this.#seen++;
      wake?.();
    };
    void (async () => {
      try {
        const expanded = expandInputs(inputs, {
          cwd: this.io.cwd,
          recursive,
          onProblem: (p) => {
            if (options.inOrder) {
              this.#refused.set(p.path, p.message);
              push(p.path);
            } else {
              this.#unexpanded++;
              this.fail(p.path, p.message);
            }
          },
        });
        for await (const path of expanded) {
          if (this.io.signal.aborted) break;
          push(path);
        }
      } catch (err) {
        failure = err;
      } finally {
        finished = true;
        this.#walked = true;
        wake?.();
      }
    })();
    for (;;) {
      if (head < queue.length) {
        const path = queue[head++]!;
        if (head > 4096 && head * 2 > queue.length) {
          queue.splice(0, head); // drop what was handed out, now and then
          head = 0;
        }
        yield path;
        continue;
      }
      if (finished) {
        if (failure) throw failure;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }

  /** With `inOrder`: the error for an input refused while expanding (e.g. a directory without -r). */
  refusal(path: string): ImprintError | undefined {
    const message = this.#refused.get(path);
    return message === undefined ? undefined : new ImprintError('ERR_FILE_UNREADABLE', message);
  }

  /** Reports one failed input on stderr. */
  fail(path: string, message: string): void {
    this.failed++;
    this.progress.clear();
    this.io.stderr.write(`imprint ${this.command}: ${path}: ${message}\n`);
  }

  /** Reports a file the batch could not process, with its error code. */
  failFile(path: string, error: ImprintError): void {
    this.fail(path, `${error.code}: ${messageWithoutPath(path, error)}`);
  }

  /** Counts a finished file and redraws the progress line. */
  finished(): void {
    this.done++;
    if (this.#walked) this.progress.update(this.done, this.failed, this.#seen);
    else this.progress.update(this.done, this.failed, undefined, this.#seen);
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

/** The error's message without the file name the loader put in front (the caller prints the path). */
export function messageWithoutPath(path: string, error: ImprintError): string {
  // The loader names the file it was given, which may be `path` resolved against the cwd.
  const named = error.message.indexOf(`${path}: `);
  const prefix = error.message.slice(0, Math.max(0, named));
  return named >= 0 && (prefix === '' || prefix.endsWith('/') || prefix.endsWith('\\'))
    ? error.message.slice(named + path.length + 2)
    : error.message;
}

import type { Readable, Writable } from 'node:stream';

/** What a command gets from the CLI shell: streams to write to and a signal for Ctrl-C. */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** True when stderr is a terminal (progress bars are shown only then). */
  readonly stderrIsTTY: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Working directory for relative paths. */
  readonly cwd: string;
  /** Standard input, read for the input `-` (default: process.stdin). */
  readonly stdin?: Readable;
}

/** One CLI sub-command (`imprint <name> ...`). */
export interface Command {
  readonly name: string;
  /** One line for the command list in `imprint --help`. */
  readonly summary: string;
  /** Full help text shown by `imprint <name> --help`. */
  readonly help: string;
  /** Runs the command; resolves to the exit code (see exit-codes.ts). Throws UsageError for bad arguments. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown by a command for a usage mistake; the shell prints it with the command's help hint and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

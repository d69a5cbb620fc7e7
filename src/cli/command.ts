import type { Readable, Writable } from 'node:stream';
import type { ImprintError } from '../core/errors.js';

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

/**
 * A failure to load the known hashes (an unusable, malformed, unreadable or corrupt list or
 * index): the command stops with EXIT.KNOWN_UNUSABLE, since nothing could be matched.
 */
export class KnownUnusable extends Error {
  override readonly name = 'KnownUnusable';
  constructor(readonly error: ImprintError) {
    super(error.message);
  }
}

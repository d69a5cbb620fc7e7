/** Exit codes of the `imprint` CLI; documented in `imprint --help`. */
export const EXIT = {
  /** Success; for `match`, at least one match was found. */
  OK: 0,
  /** `match` ran fine but nothing matched. */
  NO_MATCH: 1,
  /** Usage error: unknown flag, missing argument, bad value. */
  USAGE: 2,
  /** Some inputs failed (each is reported on stderr with its error code); the rest were processed. */
  SOME_FAILED: 3,
  /** Interrupted by SIGINT/SIGTERM; output written so far is complete lines only. */
  INTERRUPTED: 130,
} as const;

/** Exit codes of the `imprint` CLI; documented in `imprint --help`. */
export const EXIT = {
  /** Success; for `match`, at least one match was found. */
  OK: 0,
  /** `match` ran fine but nothing matched. */
  NO_MATCH: 1,
  /** Usage error: unknown flag, missing argument, bad value. */
  USAGE: 2,
  /**
   * Some inputs failed (each is reported on stderr with its error code); the rest were processed.
   * For `match`, only when nothing matched: a match exits 0 whatever else failed.
   */
  SOME_FAILED: 3,
  /**
   * The known hashes could not be used, so nothing was matched or built: the list or index is
   * empty or yields no usable hash (ERR_LIST_EMPTY), is malformed, corrupt or unreadable.
   */
  KNOWN_UNUSABLE: 4,
  /** Interrupted by SIGINT/SIGTERM; output written so far is complete lines only. */
  INTERRUPTED: 130,
} as const;

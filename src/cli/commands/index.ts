import type { Command } from '../command.js';

/**
 * A sub-command as `imprint --help` lists it. Its code (and what it imports: sharp, the hashing
 * and matching code) is loaded only when it runs, so `imprint hash` does not load `eval`'s and
 * `--help` loads none.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list in `imprint --help` (the command's own `summary`; a test checks). */
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every sub-command, in the order `imprint --help` lists them. Add one entry per new command. */
export const commands: readonly CommandEntry[] = [
  {
    name: 'hash',
    summary: 'hash images (PDQ by default; --algo for others)',
    load: async () => (await import('./hash.js')).default,
  },
  {
    name: 'match',
    summary: 'match images against a hash list or index',
    load: async () => (await import('./match.js')).default,
  },
  {
    name: 'index',
    summary: 'build an index file from a hash list (imprint index build)',
    load: async () => (await import('./index-build.js')).default,
  },
  {
    name: 'algorithms',
    summary: 'list the hash algorithms (names for --algo)',
    load: async () => (await import('./algorithms.js')).default,
  },
  {
    name: 'video',
    summary: 'vPDQ video fingerprints: hash videos, match uploads against known videos',
    load: async () => (await import('./video.js')).default,
  },
  {
    name: 'bench',
    summary: 'measure hashing and matching speed on this machine',
    load: async () => (await import('./bench.js')).default,
  },
  {
    name: 'eval',
    summary: 'measure recall and false positives of the matching methods on a folder of originals',
    load: async () => (await import('./eval.js')).default,
  },
  {
    name: 'demo',
    summary: 'hash a folder into a known list, alter copies, match them (npm start runs this)',
    load: async () => (await import('./demo.js')).default,
  },
];

#!/usr/bin/env node
/**
 * The `imprint` command line. Data goes to stdout, progress and diagnostics to stderr.
 * Each sub-command lives in `commands/<name>.ts`; this file only dispatches.
 */
import { ImprintError } from '../core/errors.js';
import { closeWorkers } from '../sharp/worker-pool.js';
import { type CliIo, type Command, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { KnownUnusable } from './known.js';

const EXIT_HELP = `Exit codes:
  0    success (for match: at least one match, even if other inputs failed)
  1    no match (every input matched against the known hashes, none matched)
  2    usage error
  3    some inputs failed (each reported on stderr with its error code); for match: and none matched
  4    the known list or index is unusable (empty, no usable hash, malformed, corrupt, unreadable):
       nothing was matched or built
  130  interrupted (SIGINT/SIGTERM); output so far is complete lines`;

function mainHelp(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    'imprint: perceptual image fingerprints (PDQ, blockhash, imagehash family) and matching',
    '',
    'Usage: imprint <command> [options]',
    '',
    'Commands:',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'imprint <command> --help' for a command's options.",
    '',
    EXIT_HELP,
  ].join('\n');
}

/** Runs the CLI with the given arguments and streams; resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${mainHelp(commands)}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${__IMPRINT_VERSION__}\n`);
    return EXIT.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`imprint: unknown command "${name}"\n\n${mainHelp(commands)}\n`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n\n${EXIT_HELP}\n`);
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(
        `imprint ${command.name}: ${err.message}\nRun 'imprint ${command.name} --help' for usage.\n`,
      );
      return EXIT.USAGE;
    }
    if (io.signal.aborted) return EXIT.INTERRUPTED;
    if (err instanceof KnownUnusable) {
      io.stderr.write(`imprint ${command.name}: ${err.error.code}: ${err.error.message}\n`);
      return EXIT.KNOWN_UNUSABLE;
    }
    if (err instanceof ImprintError) {
      io.stderr.write(`imprint ${command.name}: ${err.code}: ${err.message}\n`);
      return err.code === 'ERR_INVALID_ARGUMENT' ? EXIT.USAGE : EXIT.SOME_FAILED;
    }
    throw err;
  }
}

declare const __IMPRINT_VERSION__: string;

async function main(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.INTERRUPTED); // a second Ctrl-C means now
    controller.abort();
  };
  // A closed pipe (`imprint hash ... | head`) is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    signal: controller.signal,
    cwd: process.cwd(),
  };
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), io);
  } catch (err) {
    process.stderr.write(
      `imprint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    code = 70;
  }
  await closeWorkers(); // idle workers would not hold the process, but running ones would
  if (controller.signal.aborted && code !== EXIT.USAGE) code = EXIT.INTERRUPTED;
  process.exitCode = code;
}

await main();

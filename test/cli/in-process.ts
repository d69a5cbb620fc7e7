/**
 * Runs a CLI command in-process with captured streams, exiting as main.ts makes it (a usage
 * error 2, an unusable list or index 4, another ImprintError 3). Paths must be absolute or
 * relative to `cwd`: tests cannot chdir. Importing main.ts would start the CLI, hence this.
 */
import { PassThrough } from 'node:stream';
import { type CliIo, UsageError } from '../../src/cli/command.js';
import { commands } from '../../src/cli/commands/index.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { KnownUnusable } from '../../src/cli/known.js';
import { ImprintError } from '../../src/core/errors.js';

export async function cliInProcess(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const io: CliIo = { stdout, stderr, stderrIsTTY: false, signal: new AbortController().signal, cwd };
  const entry = commands.find((c) => c.name === args[0]);
  if (!entry) throw new Error(`no command ${args[0]}`);
  const command = await entry.load();
  let code: number;
  try {
    code = await command.run(args.slice(1), io);
  } catch (e) {
    if (e instanceof UsageError) code = EXIT.USAGE;
    else if (e instanceof KnownUnusable) {
      err += `${e.error.code}: ${e.error.message}\n`;
      code = EXIT.KNOWN_UNUSABLE;
    } else if (e instanceof ImprintError) {
      err += `${e.code}: ${e.message}\n`;
      code = EXIT.SOME_FAILED;
    } else throw e;
  }
  return { code, stdout: out, stderr: err };
}

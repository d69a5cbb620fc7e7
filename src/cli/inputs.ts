import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { walkImageFiles } from '../node/image-files.js';
import { type CliIo, UsageError } from './command.js';

/** A command-line input that could not be expanded (reported like a failed file). */
export interface InputProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Expands command-line inputs into file paths, in a stable order: files as given, directories
 * (with `recursive`) walked depth-first in sorted order, keeping image file names only.
 */
export async function* expandInputs(
  inputs: readonly string[],
  options: { cwd: string; recursive: boolean; onProblem: (p: InputProblem) => void },
): AsyncGenerator<string> {
  for (const input of inputs) {
    const path = resolve(options.cwd, input);
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      yield input; // let the loader report it with its proper code
      continue;
    }
    if (!isDir) {
      yield input;
      continue;
    }
    if (!options.recursive) {
      options.onProblem({ path: input, message: 'is a directory (use -r for the images in it)' });
      continue;
    }
    yield* walkImageFiles(input, options.cwd);
  }
}

/**
 * `-` reads standard input, which can be read once: as one image input or as the list, not both,
 * and not twice.
 */
export function checkStdinUse(inputs: readonly string[], list?: string): void {
  const uses = inputs.filter((i) => i === '-').length + (list === '-' ? 1 : 0);
  if (uses > 1) throw new UsageError("'-' (standard input) can be given once");
}

/** Standard input, as the CLI was given it (tests pass their own). */
export function stdinOf(io: CliIo): Readable {
  return io.stdin ?? process.stdin;
}

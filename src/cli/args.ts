import { type ParseArgsConfig, parseArgs } from 'node:util';
import { READ_FORMATS } from '../lists/formats/index.js';
import type { HashListFormat } from '../lists/types.js';
import { UsageError } from './command.js';

/** Parses a non-negative integer flag value, or throws a UsageError naming the flag. */
export function intOption(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${flag} expects an integer >= ${min} but received "${value}"`);
  }
  return Number(value);
}

/** Splits `a,b,c` into trimmed, non-empty names. */
export function listOption(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`expected a comma-separated list but received "${value}"`);
  return items;
}

/** Checks a value is one of the choices. */
export function choiceOption<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} expects one of ${choices.join(', ')} but received "${value}"`);
  }
  return value as T;
}

/** What {@link parseCommandArgs} returns: `values` typed by the options, and `positionals`. */
export type ParsedCommandArgs<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: O; strict: true }>
>;

/**
 * `node:util` parseArgs with positionals allowed, its errors (unknown or malformed flags)
 * turned into a UsageError so the shell prints the command's usage hint and exits 2.
 */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args, allowPositionals: true, options, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The `--format` of a hash list: `auto` (or absent) detects it. */
export function listFormatOption(value: string | undefined): HashListFormat | undefined {
  if (value === undefined || value === 'auto') return undefined;
  return choiceOption(value, '--format', READ_FORMATS, 'plain');
}

/** `--format` and `--hash-column`, as hash-list reading options. */
export function listSourceOptions(values: {
  format?: string | undefined;
  'hash-column'?: string | undefined;
}): {
  format?: HashListFormat;
  hashColumn?: string;
} {
  const format = listFormatOption(values.format);
  const hashColumn = values['hash-column'];
  return {
    ...(format === undefined ? {} : { format }),
    ...(hashColumn === undefined ? {} : { hashColumn }),
  };
}

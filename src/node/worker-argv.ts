/** Worker threads' Node flags, shared by imprint's two worker pools (images and index shards). */

/** Flags that take the next argument as their value, when not written `--flag=value`. */
const LOADER_FLAGS = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--conditions',
  '-C',
]);

/**
 * The process's module-loading flags (`--import tsx`, `--conditions`, ...), which a worker needs
 * to load code as the main thread does. Other flags are left out: V8's (`--expose-gc`) and
 * process-wide ones are refused in a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV).
 */
export function loaderArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (!LOADER_FLAGS.has(name)) continue;
    out.push(a);
    if (!a.includes('=') && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT: string = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs the built `imprint` binary (npm test builds it first) in the repo root. */
export function imprint(
  args: string[],
  options: { cwd?: string; input?: string | Uint8Array } = {},
): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(BIN)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does)');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 600_000, // catches a hang only: tests never fail on speed
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

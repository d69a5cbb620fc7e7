/**
 * The CLI loads a command's code only when that command runs, and sharp only when an image is
 * decoded: help and --version load neither. (What this saves is measured by
 * `npm run bench:startup`; tests never time anything.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { ROOT } from './run.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs the built CLI in a process that then lists the CommonJS modules it loaded (sharp is one). */
function loadedModules(args: string[]): { code: number | null; stdout: string; loaded: string[] } {
  if (!existsSync(BIN)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does)');
  const script = `
    import { createRequire } from 'node:module';
    process.argv = [process.execPath, 'imprint', ...${JSON.stringify(args)}];
    await import(${JSON.stringify(pathToFileURL(BIN).href)});
    process.stderr.write('LOADED ' + JSON.stringify(Object.keys(createRequire(import.meta.url).cache)) + '\\n');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000, // catches a hang only
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED ')) ?? 'LOADED []';
  return { code: r.status, stdout: r.stdout, loaded: JSON.parse(line.slice(7)) as string[] };
}

const sharpIn = (loaded: string[]) => loaded.some((p) => /[\\/]node_modules[\\/]sharp[\\/]/.test(p));

describe('lazy loading in the CLI', () => {
  it('lists each command by the name and summary of its own module', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect([command.name, command.summary]).toEqual([entry.name, entry.summary]);
    }
  });

  it('help and --version load no sharp; hashing an image does', () => {
    for (const args of [['--help'], ['--version'], ['hash', '--help'], ['match', '--help']]) {
      const r = loadedModules(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(sharpIn(r.loaded), args.join(' ')).toBe(false);
    }
    const hashed = loadedModules(['hash', 'fixtures/photos/coffee.jpg']);
    expect(hashed.code).toBe(0);
    expect(hashed.stdout).toMatch(/^[0-9a-f]{64},\d+,fixtures\/photos\/coffee\.jpg\n$/);
    expect(sharpIn(hashed.loaded)).toBe(true);
  });
});

/**
 * sharp is loaded in one place (src/sharp/load-sharp.ts); a machine without its native binary
 * gets ERR_SHARP_UNAVAILABLE with the fix, and imprint/node never loads it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { loadSharp } from '../../src/sharp/load-sharp.js';
import { ROOT } from '../cli/run.js';
import { fixture } from '../helpers.js';

// The first line of what sharp throws when its prebuilt binary for the platform is missing.
const SHARP_MESSAGE = 'Could not load the "sharp" module using the linux-x64 runtime';

describe('loadSharp', () => {
  it('turns a failed load into ERR_SHARP_UNAVAILABLE naming the fix, keeping the cause', () => {
    const cause = new Error(`${SHARP_MESSAGE}\nPossible solutions: ...`);
    let err: unknown;
    try {
      loadSharp(() => {
        throw cause;
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImprintError);
    expect((err as ImprintError).code).toBe('ERR_SHARP_UNAVAILABLE');
    expect((err as ImprintError).message).toContain(SHARP_MESSAGE);
    expect((err as ImprintError).message).toContain('npm install --include=optional sharp');
    expect((err as ImprintError).message).not.toContain('Possible solutions');
    expect((err as ImprintError).cause).toBe(cause);
  });

  it('keeps the loaded module once loaded, with the operation cache off', () => {
    const real = loadSharp();
    expect(
      loadSharp(() => {
        throw new Error('not called: already loaded');
      }),
    ).toBe(real);
    expect(real.cache()).toMatchObject({ files: { current: 0, max: 0 }, items: { current: 0, max: 0 } });
  });
});

describe('without a loadable sharp (the built entries, sharp made to fail as on a platform without its binary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-no-sharp-'));
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  if (specifier === 'sharp') {
    return { shortCircuit: true, url: 'data:text/javascript,' + encodeURIComponent('throw new Error(${JSON.stringify(SHARP_MESSAGE)})') };
  }
  return next(specifier, context);
}\n`,
  );
  // imprint loads sharp through require, which the hook above does not see in Node 20.
  const preload = join(dir, 'break-require.cjs');
  writeFileSync(
    preload,
    `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'sharp') throw new Error(${JSON.stringify(SHARP_MESSAGE)});
  return load.call(this, request, ...rest);
};\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );

  function run(script: string) {
    const r = spawnSync(
      process.execPath,
      ['--require', preload, '--import', pathToFileURL(register).href, '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000, // a hang only
      },
    );
    return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  }
  const entry = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, path)).href);

  it('the hooks really break sharp, imported or required (control)', () => {
    const imported = run(`await import('sharp');`);
    expect(imported.code).not.toBe(0);
    expect(imported.stderr).toContain(SHARP_MESSAGE);
    const required = run(
      `import { createRequire } from 'node:module'; createRequire(import.meta.url)('sharp');`,
    );
    expect(required.code).not.toBe(0);
    expect(required.stderr).toContain(SHARP_MESSAGE);
  });

  it('imprint/sharp imports, and hashing says ERR_SHARP_UNAVAILABLE with the fix', () => {
    const r = run(
      `const { hashImage } = await import(${entry('dist/sharp/index.js')});
       try { await hashImage(${JSON.stringify(fixture('photos', 'coffee.jpg'))}, { workers: false }); console.log('hashed'); }
       catch (err) { console.log(err.code, err.message.includes('npm install --include=optional sharp')); }`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ERR_SHARP_UNAVAILABLE true');
  });

  it('imprint/node loads an index without sharp', () => {
    const r = run(
      `const { loadIndex } = await import(${entry('dist/node/index.js')});
       const index = await loadIndex(${JSON.stringify(fixture('index', 'v1-pdq-max.idx'))});
       console.log(index.size > 0);`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true');
  });
});

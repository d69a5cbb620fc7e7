/**
 * The one place imprint loads sharp. Loading is deferred to the first decode, so importing
 * `imprint/sharp` works (and says what is wrong) on a machine where sharp's native binary is
 * missing, commands and threads that never decode never pay for it, and a failure becomes an
 * {@link ImprintError} that names the fix instead of sharp's stack trace. It is loaded through
 * `require`: ~0.1 s of CPU per process against ~0.24 s through `import` (Node translates sharp's
 * ESM build and every CommonJS package it imports through its ESM loader).
 */
import { createRequire } from 'node:module';
import type SharpModule from 'sharp';
import { ImprintError } from '../core/errors.js';

/** The `sharp` function (the module's default export), with its static settings. */
export type SharpFunction = typeof SharpModule;

let loaded: SharpFunction | undefined;

/**
 * sharp, loaded once per thread (the native addon and libvips are shared by every thread).
 * Throws `ERR_SHARP_UNAVAILABLE` when it cannot be loaded (its prebuilt libvips binary is missing
 * for this platform, or the package is not installed); a later call tries again, so a fixed
 * installation is picked up without a restart.
 */
export function loadSharp(
  requireSharp: () => SharpFunction = () => createRequire(import.meta.url)('sharp') as SharpFunction,
): SharpFunction {
  if (loaded) return loaded;
  let sharp: SharpFunction;
  try {
    sharp = requireSharp();
  } catch (err) {
    throw sharpUnavailable(err);
  }
  // libvips caches operations by the input buffer's address: a reused buffer (pooled upload
  // memory) could be answered with an earlier image's pixels. A hash must never be stale.
  sharp.cache(false);
  loaded = sharp;
  return sharp;
}

function sharpUnavailable(cause: unknown): ImprintError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
  return new ImprintError(
    'ERR_SHARP_UNAVAILABLE',
    `sharp could not be loaded on ${process.platform}-${process.arch} (${reason}). ` +
      "Reinstall it with its prebuilt binary for this platform: 'npm install --include=optional sharp' " +
      '(see https://sharp.pixelplumbing.com/install). imprint, imprint/node and imprint/browser work without it.',
    { cause },
  );
}

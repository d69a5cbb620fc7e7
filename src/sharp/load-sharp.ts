/**
 * The one place imprint loads sharp. Loading is deferred to the first decode, so importing
 * `imprint/sharp` works (and says what is wrong) on a machine where sharp's native binary is
 * missing, and a failure becomes an {@link ImprintError} that names the fix instead of sharp's
 * stack trace from deep inside the import graph.
 */
import type SharpModule from 'sharp';
import { ImprintError } from '../core/errors.js';

/** The `sharp` function (the module's default export). */
export type SharpFunction = typeof SharpModule;

let loading: Promise<SharpFunction> | undefined;

/**
 * sharp, imported once. Rejects with `ERR_SHARP_UNAVAILABLE` when it cannot be loaded (its
 * prebuilt libvips binary is missing for this platform, or the package is not installed); a later
 * call tries again, so a fixed installation is picked up without a restart.
 */
export function loadSharp(importSharp: () => Promise<{ default: SharpFunction }> = () => import('sharp')) {
  loading ??= importSharp().then(
    (module) => module.default,
    (err: unknown) => {
      loading = undefined;
      throw sharpUnavailable(err);
    },
  );
  return loading;
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

/**
 * sharp, loaded on first use and through `require`. Loading it costs a process ~0.1 s of CPU
 * through `require` and ~0.24 s through `import` (Node translates sharp's ESM build and every
 * CommonJS package it imports, semver among them, through its ESM loader), so commands and
 * threads that never decode an image never pay for it, and those that do pay the smaller bill.
 */
import { createRequire } from 'node:module';
import type SharpDefault from 'sharp';

/** sharp's default export: the constructor function with its static settings. */
export type SharpModule = typeof SharpDefault;

let loaded: SharpModule | undefined;

/** sharp itself, loaded once per thread (the native addon and libvips are shared by every thread). */
export function loadSharp(): SharpModule {
  if (loaded) return loaded;
  loaded = createRequire(import.meta.url)('sharp') as SharpModule;
  // libvips caches operations by the input buffer's address: a reused buffer (pooled upload
  // memory) could be answered with an earlier image's pixels. A hash must never be stale.
  loaded.cache(false);
  return loaded;
}

/**
 * Image files by name, and walking folders for them: shared by the CLI (`-r`, `index build
 * --images`) and the evaluation harness, which must not import the CLI.
 */
import { opendir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** File name endings taken when walking directories (files named explicitly are always tried). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.jxl',
  '.jp2',
]);

function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && IMAGE_EXTENSIONS.has(name.slice(dot).toLowerCase());
}

/**
 * The image files under `dir` (relative to `cwd`), depth first, sorted by name, as paths that
 * start with `dir`. Symbolic links are followed, to files and to directories (a folder of links
 * into a photo library is a normal way to pick known images); a directory already being walked
 * higher up (a link loop) is not entered again. A link that leads nowhere is yielded, so that
 * the loader reports it rather than it vanishing.
 */
export async function* walkImageFiles(
  dir: string,
  cwd: string,
  ancestors: ReadonlySet<string> = new Set(),
): AsyncGenerator<string> {
  const full = resolve(cwd, dir);
  const real = await realpath(full);
  if (ancestors.has(real)) return;
  const inside = new Set(ancestors).add(real);
  const entries: { name: string; dir: boolean }[] = [];
  for await (const entry of await opendir(full)) {
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(join(full, entry.name));
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch {
        isFile = true; // a dangling link: reported by the loader with its code
      }
    }
    if (isDir) entries.push({ name: entry.name, dir: true });
    else if (isFile && isImageName(entry.name)) entries.push({ name: entry.name, dir: false });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.dir) yield* walkImageFiles(path, cwd, inside);
    else yield path;
  }
}

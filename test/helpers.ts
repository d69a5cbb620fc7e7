import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under fixtures/. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../fixtures/${parts.join('/')}`, import.meta.url));
}

/** Lines of a text fixture, without the trailing empty line. */
export function fixtureLines(...parts: string[]): string[] {
  return readFileSync(fixture(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

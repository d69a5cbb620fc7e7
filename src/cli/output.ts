import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes one complete line (a single write call, so an interrupt never leaves half a line) and
 * waits for the stream to drain when it is full, keeping memory bounded on slow consumers.
 */
export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

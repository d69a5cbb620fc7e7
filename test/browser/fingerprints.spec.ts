/**
 * Fingerprint records made on the device (`npm run test:browser`): `fingerprintBlob` in headless
 * Chromium gives, for each file, the very record line `imprint hash --method pdq-max` writes in Node.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../examples/browser-demo/serve.mjs';
import { formatFingerprintRecord } from '../../src/lists/fingerprint-records.js';
import { fingerprintOf } from '../../src/matching/methods/fingerprint.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';
import { launchChromium } from './chromium.js';

/** Photos of every kind the on-device hashing handles: colour, grey, alpha, 16-bit, smooth, a screenshot. */
const FILES = [
  'photos/coffee.jpg',
  'photos/camera-grey.png',
  'photos/alpha-tulips.png',
  'photos/chelsea-cat-16bit.png',
  'photos/low-detail-fog.jpg',
  'photos/screenshot-terminal.png',
  'photos/landscape-wide-1440.jpg',
];

const FINGERPRINT = `async ({ bundle, base64, metadata }) => {
  const m = await import(bundle);
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    return m.formatFingerprintRecord(await m.fingerprintBlob(new Blob([bytes]), { metadata }));
  } catch (err) {
    return 'error ' + (err?.code ?? String(err));
  }
}`;

let context: BrowserContext;
let page: Page;
let close: () => Promise<void>;
let closeServer: () => Promise<void>;

beforeAll(async () => {
  const server = await startDemoServer({});
  closeServer = server.close;
  ({ context, close } = await launchChromium());
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(120_000);
  await page.goto(server.url);
});

afterAll(async () => {
  await close?.();
  await closeServer?.();
});

describe('fingerprintBlob in Chromium', () => {
  it('makes the same pdq-max record as Node for every file', async () => {
    for (const name of FILES) {
      const metadata = { path: name };
      const node = formatFingerprintRecord(
        fingerprintOf(getMethod('pdq-max'), await decodeImage(fixture(name)), metadata),
      );
      const base64 = readFileSync(fixture(name)).toString('base64');
      const browser = await page.evaluate(
        `(${FINGERPRINT})(${JSON.stringify({ bundle: '/dist/browser/standalone.js', base64, metadata })})`,
      );
      expect(browser, name).toBe(node);
    }
  });
});

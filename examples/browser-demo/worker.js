// Hashes the files the page sends, one at a time, inside this worker. The file never leaves the
// device: it is read and decoded here, and only the hash goes back to the page.
import { hashBlob, hashToHex } from '../../dist/browser/standalone.js';

let queue = Promise.resolve();

self.onmessage = ({ data: { id, file } }) => {
  queue = queue.then(() => hashOne(id, file));
};

async function hashOne(id, file) {
  try {
    const result = await hashBlob(file, { algorithms: ['pdq'] });
    const pdq = result.hashes.pdq;
    self.postMessage({
      id,
      ok: true,
      hash: hashToHex(pdq),
      quality: pdq.quality,
      width: result.width,
      height: result.height,
      format: result.format,
      orientation: result.orientation,
      exactPixels: result.exactPixels,
    });
  } catch (err) {
    self.postMessage({
      id,
      ok: false,
      code: err?.code ?? 'ERR_INTERNAL',
      message: String(err?.message ?? err),
    });
  }
}

import { crc32 } from '../../src/matching/crc32.js';
import { decodeLayout, encodeLayout } from '../../src/matching/layout.js';
import { NARROW, postingsBytes, postingsReader, tableBytes } from '../../src/matching/mih-tables.js';

const pad8 = (n: number): number => (8 - (n % 8)) % 8;

/**
 * The same index as a version 3 file, as builds before version 4 wrote it: every substring's
 * postings widened to 4-byte ids (version 3 had no 3-byte ids), the rest of the body as it was.
 * Written here from the format's description, not by the code under test.
 */
export function asVersion3(file: Uint8Array): Uint8Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(12, true);
  const count = view.getUint32(20, true);
  const size = view.getUint32(24, true);
  const stride = view.getUint32(32, true);
  const m = view.getUint32(36, true);
  const metaBytes = Number(view.getBigUint64(40, true));
  const layoutAt = headerLength - 4 * m - pad8(4 * m);
  const { layout, encodings } = decodeLayout(new Uint32Array(file.slice(layoutAt, layoutAt + 4 * m).buffer));
  const sizes = [count * stride, count, (count + 1) * 4, metaBytes];
  if (view.getUint8(10) === 2) {
    sizes.push(
      layout.reduce((sum, s, k) => sum + tableBytes(s.bits, encodings[k]!), 0),
      encodings.reduce((sum, e) => sum + postingsBytes(e, size), 0),
    );
  }
  const sections: Uint8Array[] = [];
  let at = headerLength;
  for (const n of sizes) {
    sections.push(file.slice(at, at + n));
    at += n + pad8(n);
  }
  if (sections.length === 6) {
    const narrow = sections[5]!;
    const wide = new Uint32Array(m * size);
    let from = 0;
    encodings.forEach((e, k) => {
      const id = postingsReader(narrow.buffer, from, e, size);
      for (let i = 0; i < size; i++) wide[k * size + i] = id(i);
      from += postingsBytes(e, size);
    });
    sections[5] = new Uint8Array(wide.buffer);
  }
  const header = file.slice(0, headerLength);
  header.set(
    new Uint8Array(
      encodeLayout(
        layout,
        encodings.map((e) => e & ~NARROW),
      ).buffer,
    ),
    layoutAt,
  );
  let bodyLength = 0;
  for (const s of sections) bodyLength += s.length + pad8(s.length);
  const out = new Uint8Array(headerLength + bodyLength);
  out.set(header);
  let to = headerLength;
  let bodyCrc = 0;
  for (const s of sections) {
    out.set(s, to);
    const padded = out.subarray(to, to + s.length + pad8(s.length));
    bodyCrc = crc32(padded, bodyCrc);
    to += padded.length;
  }
  const ov = new DataView(out.buffer);
  ov.setUint16(8, 3, true);
  ov.setBigUint64(48, BigInt(bodyLength), true);
  ov.setUint32(56, bodyCrc, true);
  ov.setUint32(92, crc32(out.subarray(96, headerLength), crc32(out.subarray(0, 92))), true);
  return out;
}

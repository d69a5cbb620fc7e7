/**
 * True when the bytes start like SVG or other XML/HTML: `<` after an optional UTF-8 BOM and white
 * space. No raster format starts that way, so this refuses vector and markup input by content,
 * whatever the file is called.
 */
export function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    i < 1024 &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  ) {
    i++;
  }
  return bytes[i] === 0x3c; // '<'
}

/**
 * `imprint/browser`: on-device hashing in a page or a Web Worker, the way StopNCII does it (the
 * picture never leaves the device). One self-contained ESM file with the whole pure core, so
 * import everything from here in browser code (`hashToHex`, `FlatIndex`, ... included).
 */

export * from '../index.js';
export * from './decode.js';
export { exifOrientation, withoutOrientation } from './exif-orientation.js';
export * from './fingerprint.js';
export * from './hash.js';
export * from './orient.js';
export * from './pixels.js';
export * from './read-pixels.js';
export { type ExifBlock, type ImageHeader, sniffImage } from './sniff.js';

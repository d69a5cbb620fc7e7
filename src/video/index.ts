/** Video fingerprints compatible with Meta's vPDQ: frame hash records, the file format, matching, an index. */
export * from './frame-hash.js';
export * from './match.js';
export * from './video-index.js';
export * from './vpdq-format.js';

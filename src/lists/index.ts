/** Hash lists: reading the formats hotlines and tools exchange, and writing them. */
export { HashListParser } from './parser.js';
export {
  type HashListChunks,
  HashListReader,
  type ParsedHashList,
  parseHashList,
  readHashList,
} from './read.js';
export { canonicalAlgorithmName } from './signal-types.js';
export type {
  HashListEntry,
  HashListFormat,
  HashListMetadata,
  HashListStats,
  HashListWriteFormat,
  ReadHashListOptions,
} from './types.js';
export {
  formatHashList,
  type HashListWriteEntry,
  HashListWriter,
  type HashListWriterOptions,
} from './write.js';

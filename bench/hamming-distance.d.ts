// Types for the benchmark's baseline package (it ships none).
declare module 'hamming-distance' {
  /** Hamming distance of two equal-length hex strings (or Buffers). */
  export default function hammingDistance(a: string | Buffer, b: string | Buffer): number;
}

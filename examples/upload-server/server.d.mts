/** Types for server.mjs (its test imports it). */
export declare function startUploadServer(options: {
  index?: string;
  list?: string;
  port?: number;
  host?: string;
}): Promise<{ url: string; knownHashes: number; close: () => Promise<void> }>;

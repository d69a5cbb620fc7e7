/** Types for serve.mjs (the browser tests import it). */
export declare const CONTENT_SECURITY_POLICY: string;
export declare function startDemoServer(options?: {
  port?: number;
  root?: string;
  onRequest?: (method: string | undefined, path: string) => void;
}): Promise<{ url: string; close: () => Promise<void> }>;

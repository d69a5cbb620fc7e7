/**
 * The pixel work imprint moves off the main thread: decode an image and hash it, or hash it the
 * way a matching method needs. The same functions run in a worker (worker.ts) and in the calling
 * thread (`workers: false`), so the two give identical results. Jobs and results are plain data
 * (structured-cloneable); an image travels as its path (read in the worker) or its bytes.
 */
import type { HashRequest } from '../algorithms/compute.js';
import { computeHashes } from '../algorithms/compute.js';
import { ImprintError, toImprintError, withSource } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { LocalFeatures } from '../features/extract.js';
import type { KnownVariantMetadata } from '../matching/methods/match.js';
import type { MatchMethod } from '../matching/methods/types.js';
import type { VariantHash } from '../matching/methods/variants.js';
import type { IndexEntry } from '../matching/types.js';
import { type DecodeOptions, decodeImage } from './decode.js';

/** Decode options that can cross to a worker (an AbortSignal cannot: the pool relays aborts). */
export type JobDecodeOptions = Omit<DecodeOptions, 'signal'>;

/** The options of {@link DecodeOptions} that are plain data (everything but the signal), e.g. for a worker. */
export function plainDecodeOptions(options: DecodeOptions): JobDecodeOptions {
  const out: { -readonly [K in keyof JobDecodeOptions]: JobDecodeOptions[K] } = {};
  if (options.maxPixels !== undefined) out.maxPixels = options.maxPixels;
  if (options.maxBytes !== undefined) out.maxBytes = options.maxBytes;
  if (options.autoOrient !== undefined) out.autoOrient = options.autoOrient;
  if (options.tolerateCorrupt !== undefined) out.tolerateCorrupt = options.tolerateCorrupt;
  if (options.allowVector !== undefined) out.allowVector = options.allowVector;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  if (options.sixteenBit !== undefined) out.sixteenBit = options.sixteenBit;
  return out;
}

/** What a job works on: a file path (read where the job runs) or the encoded bytes. */
export type JobInput = string | Uint8Array;

/** Decode, then compute the requested hashes (what `hashImage` returns). */
export interface HashJob {
  readonly kind: 'hash';
  readonly input: JobInput;
  readonly decode: JobDecodeOptions;
  readonly request: HashRequest;
}

/** Decode, then compute an upload's hashes for a method (its plain hash and the variants it compares). */
export interface QueryJob {
  readonly kind: 'query';
  readonly input: JobInput;
  readonly decode: JobDecodeOptions;
  readonly method: MatchMethod;
}

/** Decode, then compute the index entries a method stores for a known image. */
export interface KnownJob {
  readonly kind: 'known';
  readonly input: JobInput;
  readonly decode: JobDecodeOptions;
  readonly method: MatchMethod;
  readonly metadata: unknown;
}

export type Job = HashJob | QueryJob | KnownJob;

/** What the decoder saw. */
export interface DecodedInfo {
  readonly width: number;
  readonly height: number;
  readonly format: string;
}

/** Result of a {@link HashJob}. */
export interface HashJobResult extends DecodedInfo {
  readonly hashes: Readonly<Record<string, Hash>>;
  readonly dihedral?: readonly Hash[];
}

/** Result of a {@link QueryJob}. */
export interface QueryJobResult extends DecodedInfo {
  /** The upload's exact PDQ hash (with its quality). */
  readonly hash: Hash;
  readonly quality: number;
  readonly queries: readonly VariantHash[];
  /** With a method that has local features: the upload's (and its mirror image's). */
  readonly local?: readonly LocalFeatures[];
}

/** Result of a {@link KnownJob}. */
export interface KnownJobResult extends DecodedInfo {
  /** The image's exact PDQ hash (with its quality). */
  readonly hash: Hash;
  readonly quality: number;
  readonly entries: readonly IndexEntry<unknown | KnownVariantMetadata<unknown>>[];
  /** With a method that has local features: the image's. */
  readonly local?: LocalFeatures;
}

export type JobResult<J extends Job> = J extends HashJob
  ? HashJobResult
  : J extends QueryJob
    ? QueryJobResult
    : KnownJobResult;

/**
 * Runs one job where it is called. `signal` aborts the decode (ERR_ABORTED); every failure is an
 * ImprintError naming the file when the input was a path.
 */
export async function runJob<J extends Job>(job: J, signal?: AbortSignal): Promise<JobResult<J>> {
  const image = await decodeImage(job.input, signal ? { ...job.decode, signal } : job.decode);
  const info: DecodedInfo = { width: image.width, height: image.height, format: image.format };
  try {
    switch (job.kind) {
      case 'hash': {
        const { hashes, dihedral } = computeHashes(image, image.bytes, job.request);
        return compact(
          dihedral ? { hashes, dihedral, ...info } : { hashes, ...info },
        ) as unknown as JobResult<J>;
      }
      case 'query': {
        // The matching methods' code is loaded by the jobs that use it, not by plain hashing.
        const [{ ImageVariants }, { queryHashesFor }, { queryLocalViews }] = await Promise.all([
          import('../matching/methods/variants.js'),
          import('../matching/methods/match.js'),
          import('../matching/methods/local.js'),
        ]);
        const variants = new ImageVariants(image);
        const { hash, quality } = variants.exact;
        const queries = queryHashesFor(job.method, variants);
        const local = job.method.local ? { local: queryLocalViews(job.method, variants.working) } : {};
        return compact({ hash, quality, queries, ...local, ...info }) as unknown as JobResult<J>;
      }
      case 'known': {
        const [{ ImageVariants }, { knownEntriesFor }, { knownLocalFeatures }] = await Promise.all([
          import('../matching/methods/variants.js'),
          import('../matching/methods/match.js'),
          import('../matching/methods/local.js'),
        ]);
        const variants = new ImageVariants(image);
        const { hash, quality } = variants.exact;
        const entries = knownEntriesFor(job.method, variants, job.metadata);
        const features = knownLocalFeatures(job.method, variants.working);
        const local = features ? { local: features } : {};
        return compact({ hash, quality, entries, ...local, ...info }) as unknown as JobResult<J>;
      }
      default:
        throw new ImprintError('ERR_INTERNAL', `Unknown job kind ${(job as { kind: unknown }).kind}`);
    }
  } catch (err) {
    throw withSource(toImprintError(err), typeof job.input === 'string' ? job.input : undefined);
  }
}

/**
 * The result with every typed array copied to a buffer of its own size: a hash is often a view
 * into a larger buffer (a kernel's memory), which a worker would otherwise copy whole.
 */
function compact<T>(value: T): T {
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as Uint8Array;
    return (view.byteLength === view.buffer.byteLength ? view : view.slice()) as T;
  }
  if (Array.isArray(value)) return value.map(compact) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compact(v);
    return out as T;
  }
  return value;
}

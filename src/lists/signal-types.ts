/**
 * Names other tools give to hash types, mapped to imprint algorithm names. A list row that names
 * its type (a `signal_type` column, a StopNCII `signalType`, an HMA `signals` key, a Tech Against
 * Terrorism `algorithm`...) is compared to the algorithm the list is read as through this table.
 */
const ALIASES: Readonly<Record<string, string>> = {
  // python-threatexchange SignalType.get_name() (class name minus "Signal", snake_case), also used
  // by hasher-matcher-actioner: PdqSignal -> pdq, VideoMD5Signal -> video_md5, VideoSHA256Signal ->
  // video_sha256; older releases had PhotoMD5Signal -> photo_md5.
  video_md5: 'md5',
  photo_md5: 'md5',
  video_sha256: 'sha256',
  // StopNCII StopNCIISignalType (python-threatexchange exchanges/clients/stopncii/api.py).
  imagepdq: 'pdq',
  videomd5: 'md5',
  // ThreatExchange indicator types (HASH_PDQ, HASH_MD5, ...), seen in exported descriptors.
  hash_pdq: 'pdq',
  hash_md5: 'md5',
  hash_video_md5: 'md5',
  hash_sha256: 'sha256',
  hash_video_sha256: 'sha256',
  'sha-256': 'sha256',
  'sha-1': 'sha1',
};

/**
 * Signal types python-threatexchange and HMA print that imprint does not compute (text, URLs,
 * other video hashes). A `threatexchange` line starting with one of these is a row of another
 * type, whatever follows it.
 */
const FOREIGN_SIGNAL_TYPES = [
  'raw_text',
  'url',
  'url_md5',
  'trend_query',
  'vpdq',
  'video_tmk_pdqf',
  'tmk',
  'text_tlsh',
  'tlsh',
  'clip',
  'pdq_ocr',
  'text_md5',
];

/**
 * The imprint algorithm name a foreign hash-type name stands for (case-insensitive); names the
 * table does not know are returned lowercased, so `phash` stays `phash` and `VideoTMK` becomes
 * `videotmk` (which matches no imprint algorithm).
 *
 * @example
 * ```ts
 * canonicalAlgorithmName('ImagePDQ'); // 'pdq'
 * canonicalAlgorithmName('video_md5'); // 'md5'
 * ```
 */
export function canonicalAlgorithmName(typeName: string): string {
  const lower = typeName.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** Every foreign name the alias table knows (lowercase), for recognising hash columns. */
export function knownTypeNames(): string[] {
  return Object.keys(ALIASES);
}

/** True when `name` is a signal type name python-threatexchange or HMA use (any case). */
export function isSignalTypeName(name: string, knownAlgorithms: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return (
    lower in ALIASES ||
    FOREIGN_SIGNAL_TYPES.includes(lower) ||
    knownAlgorithms.includes(canonicalAlgorithmName(lower))
  );
}

/**
 * The python-threatexchange signal type name for an imprint algorithm (what its file format and
 * HMA expect), or `undefined` when python-threatexchange has none.
 */
export function threatexchangeTypeName(algorithm: string): string | undefined {
  switch (algorithm) {
    case 'pdq':
      return 'pdq';
    case 'md5':
      return 'video_md5';
    case 'sha256':
      return 'video_sha256';
    default:
      return undefined;
  }
}

/**
 * Names other tools give to hash types, mapped to imprint algorithm names. A list row that names
 * its type (a `signal_type` column, a StopNCII `signalType`, an HMA `signals` key...) is compared
 * to the algorithm the list is read as through this table.
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
};

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

/**
 * `stopncii`: StopNCII hash records only (python-threatexchange
 * `exchanges/clients/stopncii/api.py`, `StopNCIIHashRecord`): `{"hashValue", "signalType":
 * "ImagePDQ" | "VideoMD5", "hashStatus", "caseNumbers", ...}`, as NDJSON or as a FetchHashes
 * response (`hashRecords`). Records of other shapes are refused. Writes one record per line:
 * `hashValue`, `signalType`, then the metadata (a record read from StopNCII writes back as it was).
 */
import { invalidArgument } from '../../core/errors.js';
import { type ListFormat, tryJson } from '../format.js';
import { jsonDocumentReader } from './json.js';
import { toJson } from './lines.js';
import { mergeMetadata, ndjsonReader } from './ndjson.js';

/** StopNCII's signal type for each imprint algorithm it exchanges (`StopNCIISignalType`). */
const SIGNAL_TYPES: Readonly<Record<string, string>> = { pdq: 'ImagePDQ', md5: 'VideoMD5' };

export const stopnciiFormat: ListFormat = {
  name: 'stopncii',
  summary:
    'StopNCII hash records (`hashValue`, `signalType`, `hashStatus`, `caseNumbers`...), NDJSON or FetchHashes JSON',
  writes: 'stopncii',

  open(ctx, sink, start) {
    const text = start.text.trimStart();
    if (text.startsWith('[') || (text.startsWith('{') && (start.partial || !tryJson(text).ok))) {
      return jsonDocumentReader(ctx, sink, start.line);
    }
    if (text.startsWith('{')) return ndjsonReader(ctx, sink);
    return sink.fatal('ERR_HASH_LIST_SYNTAX', 'Expected StopNCII hash records as JSON or NDJSON', start.line);
  },

  writer() {
    return {
      write: ({ hex, hash, metadata }) => {
        const signalType = SIGNAL_TYPES[hash.algorithm];
        if (signalType === undefined) {
          throw invalidArgument(
            'pdq or md5 hashes (StopNCII exchanges ImagePDQ and VideoMD5)',
            'stopncii list',
            hash.algorithm,
          );
        }
        const given = (metadata as { signalType?: unknown } | undefined)?.signalType;
        if (given !== undefined && given !== signalType) {
          throw invalidArgument(
            `signalType ${signalType} for a ${hash.algorithm} hash`,
            'stopncii metadata',
            given,
          );
        }
        const record = mergeMetadata(
          { hashValue: hex, signalType },
          metadata,
          ['hashValue', 'hashRecords'],
          'stopncii',
        );
        return `${toJson(record)}\n`;
      },
      end: () => '',
    };
  },
};

/**
 * `hma`: hasher-matcher-actioner signal records, one JSON object per line: `{"pdq": "<hash>"}`,
 * the body HMA's `POST /c/bank/<bank>/signal` takes (`OpenMediaMatch/blueprints/curation.py`,
 * `bank_add_as_signals`: signal type name -> signal string) and the shape of its `GET /h/hash`
 * answers. Reading takes any NDJSON record (bank content with `signals` too); writing gives the
 * bare signal object, which has no room for metadata (HMA refuses unknown keys as signal types).
 */
import { invalidArgument } from '../../core/errors.js';
import type { ListFormat } from '../format.js';
import { threatexchangeTypeName } from '../signal-types.js';
import { toJson } from './lines.js';
import { ndjsonReader } from './ndjson.js';

export const hmaFormat: ListFormat = {
  name: 'hma',
  summary: 'HMA signal records `{"pdq": "<hash>"}`, one per line (bank import, `POST /c/bank/<bank>/signal`)',
  writes: 'hma',

  open(ctx, sink) {
    return ndjsonReader(ctx, sink);
  },

  writer() {
    return {
      write: ({ hex, hash }) => {
        const type = threatexchangeTypeName(hash.algorithm);
        if (type === undefined) {
          throw invalidArgument(
            'pdq, md5 or sha256 hashes (the signal types HMA knows)',
            'hma list',
            hash.algorithm,
          );
        }
        return `${toJson({ [type]: hex })}\n`;
      },
      end: () => '',
    };
  },
};

/**
 * `pdq-photo-hasher`: the lines ThreatExchange's C++ `pdq-photo-hasher` prints by default,
 * `hash,quality,path` (`pdq/cpp/bin/pdq-photo-hasher.cpp`: `printf("%s,%d,%s\n", hash, quality,
 * filename)`), which is also `imprint hash`'s output. The quality goes into the hash (so the
 * quality gate sees it), the path is the metadata.
 */
import { isHashText, type ListFormat } from '../format.js';
import { countLines, eachLine, pathOf } from './lines.js';

const QUALITY = /^(?:[0-9]{1,3})?$/;

/** `hash,quality,path` split at its first two commas; `undefined` when the line has not three fields. */
function fields(line: string): [string, string, string] | undefined {
  const a = line.indexOf(',');
  const b = a < 0 ? -1 : line.indexOf(',', a + 1);
  return b < 0 ? undefined : [line.slice(0, a).trim(), line.slice(a + 1, b).trim(), line.slice(b + 1)];
}

export const pdqPhotoHasherFormat: ListFormat = {
  name: 'pdq-photo-hasher',
  summary: '`hash,quality,path` as the C++ `pdq-photo-hasher` and `imprint hash` print them',
  writes: 'pdq-photo-hasher',

  detect(sample, ctx) {
    return countLines(sample, (line) => {
      const f = fields(line);
      return f !== undefined && isHashText(f[0], ctx) && QUALITY.test(f[1]) && Number(f[1]) <= 100;
    });
  },

  open(_ctx, sink) {
    return eachLine((line, lineNo) => {
      const f = fields(line);
      if (f === undefined || !QUALITY.test(f[1])) {
        sink.problem(
          'ERR_HASH_LIST_SYNTAX',
          'Expected "hash,quality,path" with an integer quality from 0 to 100',
          lineNo,
        );
        return;
      }
      sink.entry({ hex: f[0], quality: f[1] === '' ? undefined : Number(f[1]), metadata: f[2] }, lineNo);
    });
  },

  writer() {
    return {
      write: ({ hex, hash, metadata }) =>
        `${hex},${hash.quality ?? ''},${pathOf(metadata, 'pdq-photo-hasher')}\n`,
      end: () => '',
    };
  },
};

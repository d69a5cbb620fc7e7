/**
 * `hash-metadata`: `hash,metadata` as ThreatExchange's C++ PDQ tools read it
 * (`pdq/cpp/io/hashio.cpp` `loadHashAndMetadataFromStream`): split at the first comma, an
 * optional `hash=` prefix on the hash, the rest kept verbatim. `pdq-photo-hasher --details`
 * (`hash=<hex>,norm=..,delta=..,quality=..,filename=..`) and `--pdqdih-across` (eight hashes,
 * quality, path) read this way; their plain `hash,quality,path` lines are `pdq-photo-hasher`.
 */
import { isHashText, type ListFormat, type ReadSink } from '../format.js';
import { countLines, eachLine, metadataText, oneLine } from './lines.js';

/** Reads one `hash,metadata` line (shared with `plain`, which reads comma lines this way). */
export function readHashMetadataLine(line: string, lineNo: number, sink: ReadSink): void {
  const comma = line.indexOf(',');
  let hex = (comma < 0 ? line : line.slice(0, comma)).trim();
  if (hex.startsWith('hash=')) hex = hex.slice(5).trim();
  sink.entry({ hex, metadata: comma < 0 ? undefined : line.slice(comma + 1) }, lineNo);
}

export const hashMetadataFormat: ListFormat = {
  name: 'hash-metadata',
  summary: '`hash,metadata` (optional `hash=` prefix), metadata verbatim',
  writes: 'hash-metadata',

  detect(sample, ctx) {
    return countLines(sample, (line) => {
      const comma = line.indexOf(',');
      let hex = (comma < 0 ? line : line.slice(0, comma)).trim();
      if (hex.startsWith('hash=')) hex = hex.slice(5);
      return isHashText(hex, ctx);
    });
  },

  open(_ctx, sink) {
    return eachLine((line, lineNo) => readHashMetadataLine(line, lineNo, sink));
  },

  writer() {
    return {
      write: ({ hex, metadata }) =>
        metadata === undefined ? `${hex}\n` : `${hex},${oneLine(metadataText(metadata), 'hash-metadata')}\n`,
      end: () => '',
    };
  },
};

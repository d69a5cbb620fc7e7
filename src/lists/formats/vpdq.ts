/**
 * `vpdq`: vPDQ frame hashes read as a list of PDQ hashes, one per frame, with the frame and its
 * timestamp as metadata and the frame's quality in the hash. Two shapes:
 * - `vpdq-hash-video` lines, `frameNumber,quality,pdqHash,timestampSec` (vPDQ's C++ tools;
 *   `imprint video hash`), also with hash and quality swapped as vPDQ's Python README prints them;
 * - python-threatexchange's and HMA's vPDQ signal, a JSON array of compact
 *   `"pdqHash,quality,timestamp"` strings (`extensions/vpdq/vpdq_util.py`,
 *   `VpdqCompactFeature`): read by the `json` reader, which reports the list as `vpdq`.
 * To match videos against videos, use `imprint video match`, which takes both shapes too.
 */
import { isHashText, type ListFormat, type ReadContext } from '../format.js';
import { jsonFormat } from './json.js';
import { countLines, eachLine } from './lines.js';

const LINE =
  /^\s*([0-9]+)\s*,\s*([0-9a-fA-F]+|[0-9]+)\s*,\s*([0-9a-fA-F]+|[0-9]+)\s*,\s*([0-9]+(?:\.[0-9]*)?)\s*$/;

/** Frame, hash, quality and timestamp of a vPDQ line, in either field order. */
function parse(line: string, ctx: ReadContext) {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, frame, a, b, time] = m as unknown as [string, string, string, string, string];
  const hashFirst = isHashText(a, ctx) && /^[0-9]{1,3}$/.test(b);
  const qualityFirst = /^[0-9]{1,3}$/.test(a) && isHashText(b, ctx);
  if (!hashFirst && !qualityFirst) return undefined;
  return {
    hex: hashFirst ? a : b,
    quality: Number(hashFirst ? b : a),
    metadata: { frame: Number(frame), timestamp: Number(time) },
  };
}

export const vpdqFormat: ListFormat = {
  name: 'vpdq',
  summary:
    'vPDQ frames: `frame,quality,hash,seconds` lines, or the JSON array of `"hash,quality,seconds"` HMA stores',

  detect(sample, ctx) {
    return ctx.bits === 256 ? countLines(sample, (line) => parse(line, ctx) !== undefined) : 0;
  },

  open(ctx, sink, start) {
    // The JSON array of compact strings is a JSON document: the JSON reader takes it.
    if (start.text.trimStart().startsWith('[')) return jsonFormat.open(ctx, sink, start);
    return eachLine((line, lineNo) => {
      const frame = parse(line, ctx);
      if (frame === undefined) {
        sink.problem(
          'ERR_HASH_LIST_SYNTAX',
          'Expected a vPDQ line "frameNumber,quality,pdqHash,timestampSec"',
          lineNo,
        );
        return;
      }
      sink.entry(frame, lineNo);
    });
  },
};

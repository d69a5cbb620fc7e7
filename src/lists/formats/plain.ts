/**
 * `plain`: one hex hash per line, as most tools write (the PDQ reference's `needles.txt`,
 * `sha256sum`-style `<hash>  <file>` lines, `threatexchange dataset -P -s pdq`'s `<hash>
 * 'collab' CATEGORY tags`). Text after the hash and a space or tab is kept as metadata; a comma
 * right after the hash makes the line `hash,metadata`.
 */
import { clip, isHashText, type ListFormat } from '../format.js';
import { readHashMetadataLine } from './hash-metadata.js';
import { countLines, eachLine } from './lines.js';

const SEPARATOR = /[ \t,]/;
/** A first line of words (a header imprint did not recognise), not a hash. */
const HEADER_LIKE = /^[A-Za-z_"][\w "().-]*([,;\t][\w "().-]*)*$/;
/** Letters no hex digit has: "checksum" is a word, "abc123" a cut-off hash. */
const NOT_HEX = /[g-zG-Z_]/;
/** A run of hex digits as long as the shortest hash: a hash line, not a header. */
const HEX_RUN = /[0-9a-fA-F]{16}/;
/** A first field of hex digits is a hash of the wrong length, not a column name. */
const HEXISH = /^(0[xX])?[0-9a-fA-F]{8,}$/;

export const plainFormat: ListFormat = {
  name: 'plain',
  summary: 'one hex hash per line; text after a space or tab is metadata',
  writes: 'plain',

  detect(sample, ctx) {
    return countLines(sample, (line) => {
      const text = line.trim();
      const cut = text.search(SEPARATOR);
      return isHashText(cut < 0 ? text : text.slice(0, cut), ctx) && text[cut] !== ',';
    });
  },

  open(ctx, sink) {
    let first = true;
    return eachLine((line, lineNo) => {
      const text = line.trim();
      const cut = text.search(SEPARATOR);
      const hex = cut < 0 ? text : text.slice(0, cut);
      const wasFirst = first;
      first = false;
      if (
        wasFirst &&
        !isHashText(hex, ctx) &&
        HEADER_LIKE.test(text) &&
        NOT_HEX.test(text) &&
        !HEX_RUN.test(text) &&
        !HEXISH.test(hex)
      ) {
        // Say what it is rather than "Expected 64 hex digits but received "checksum"".
        sink.problem(
          'ERR_HASH_LIST_SYNTAX',
          `The first line looks like a header ("${clip(text)}") but names no column imprint reads hashes ` +
            `from: name it hash, ${ctx.algorithm}, ${ctx.algorithm}_hash or signal, or give the column ` +
            '(hashColumn, --hash-column)',
          lineNo,
        );
        return;
      }
      if (cut < 0) sink.entry({ hex: text, metadata: undefined }, lineNo);
      else if (text[cut] === ',') readHashMetadataLine(line, lineNo, sink);
      else sink.entry({ hex, metadata: text.slice(cut).trimStart() }, lineNo);
    });
  },

  writer() {
    return { write: ({ hex }) => `${hex}\n`, end: () => '' };
  },
};

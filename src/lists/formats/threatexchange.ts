/**
 * `threatexchange`: lines as the python-threatexchange CLI prints signals and its file exchange
 * stores them (`threatexchange/cli/*`, `exchanges/impl/file_api.py`):
 * - `threatexchange hash`: `<signal type> <hash>` (`cli/hash_cmd.py`);
 * - `threatexchange hash --photo-preprocess=rotations`: `<ROTATION> <signal type> <hash>`, the
 *   rotation one of ORIGINAL, ROTATE90, ROTATE180, ROTATE270, FLIPX, FLIPY, FLIPPLUS1, FLIPMINUS1
 *   (`cli/tests/hash_cmd_test.py`); the rotation is the metadata;
 * - `threatexchange dataset -P` (`cli/dataset_cmd.py` `_print_stdout`): `<type> <signal>
 *   ['<collab>'] <opinion>`, the opinion `CATEGORY` or `CATEGORY tag1,tag2` (`fetch_state.py`
 *   `FetchedSignalMetadata.__str__`); older releases print the collaboration first,
 *   `'<collab>' <type> <signal> <opinion>`. With `-s <type>` the type column is left out (those
 *   lines are `plain`). Rows of every signal type come in no fixed order; rows of text types
 *   (raw_text, url, trend_query...) are other types whatever they hold.
 * The metadata is the text after the hash (with the collaboration, when it came first), verbatim.
 * Writes `<signal type> <hash>`, the lines the file exchange reads back (it takes the whole rest
 * of the line as the signal, so no metadata is written).
 */
import { invalidArgument } from '../../core/errors.js';
import { clip, isHashText, type ListFormat, type ReadContext } from '../format.js';
import { isSignalTypeName, threatexchangeTypeName } from '../signal-types.js';
import { countLines, eachLine } from './lines.js';

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const WHITESPACE = /[ \t]/;
/** `--photo-preprocess=rotations` prefixes (python-threatexchange `PhotoRotation` names). */
const ROTATIONS = new Set([
  'ORIGINAL',
  'ROTATE90',
  'ROTATE180',
  'ROTATE270',
  'FLIPX',
  'FLIPY',
  'FLIPPLUS1',
  'FLIPMINUS1',
]);

/** The first whitespace-separated token of `text` and the rest (left-trimmed). */
function cut(text: string): [string, string] {
  const at = text.search(WHITESPACE);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at).trimStart()];
}

/** Length of a Python `repr()` string at the start of `text` (quotes included), or 0. */
function reprLength(text: string): number {
  const quote = text[0];
  if (quote !== "'" && quote !== '"') return 0;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i + 1;
  }
  return 0;
}

interface Line {
  type: string;
  signal: string;
  /** Text after the signal, with the collaboration put back in front when it came first. */
  metadata: string | undefined;
  rotation?: string;
}

/** Splits a line into type, signal and metadata; `undefined` when it has no type and signal. */
function split(text: string): Line | undefined {
  let rest = text.trim();
  let collab = '';
  const repr = reprLength(rest);
  if (repr > 0) {
    collab = rest.slice(0, repr);
    rest = rest.slice(repr).trimStart();
  }
  let [type, after] = cut(rest);
  let rotation: string | undefined;
  if (collab === '' && ROTATIONS.has(type)) {
    rotation = type;
    [type, after] = cut(after);
  }
  const [signal, tail] = cut(after);
  if (!TYPE_NAME.test(type) || signal === '') return undefined;
  const parts = [collab, rotation ?? '', tail].filter((p) => p !== '');
  return {
    type,
    signal,
    metadata: parts.length === 0 ? undefined : parts.join(' '),
    ...(rotation ? { rotation } : {}),
  };
}

/** True when the line is one of this format's by its type name (or its type and a hash). */
function fits(line: string, ctx: ReadContext): boolean {
  const l = split(line);
  if (l === undefined || isHashText(l.type, ctx)) return false;
  return isSignalTypeName(l.type, ctx.knownAlgorithms) || isHashText(l.signal, ctx);
}

export const threatexchangeFormat: ListFormat = {
  name: 'threatexchange',
  summary:
    '`<signal type> <hash> [metadata]`: `threatexchange hash` (also with rotations), `dataset -P`, its file exchange',
  writes: 'threatexchange',

  detect(sample, ctx) {
    return countLines(sample, (line) => fits(line, ctx));
  },

  open(_ctx, sink) {
    return eachLine((line, lineNo) => {
      const l = split(line);
      if (l === undefined) {
        sink.problem(
          'ERR_HASH_LIST_SYNTAX',
          `Expected "<signal type> <hash>" but received "${clip(line.trim())}"`,
          lineNo,
        );
        return;
      }
      sink.entry({ hex: l.signal, declaredType: l.type, metadata: l.metadata }, lineNo);
    });
  },

  writer() {
    return {
      write: ({ hex, hash }) => {
        const type = threatexchangeTypeName(hash.algorithm);
        if (type === undefined) {
          throw invalidArgument(
            'pdq, md5 or sha256 hashes (python-threatexchange has signal types pdq, video_md5, video_sha256)',
            'threatexchange list',
            hash.algorithm,
          );
        }
        return `${type} ${hex}\n`;
      },
      end: () => '',
    };
  },
};

/**
 * `ncmec-xml`: NCMEC hash-sharing XML (`/v2/entries` responses, as python-threatexchange's
 * `exchanges/clients/ncmec/hash_api.py` reads them; samples in its `tests/data.py`): `<image>` and
 * `<video>` entries, each with an `<id>`, a `<classification>` and `<fingerprints>` holding
 * `<md5>`, `<sha1>` and `<pdna>` (PhotoDNA), sometimes links to TMK or Videntifier fingerprints;
 * `<deletedImage>`/`<deletedVideo>` entries withdraw earlier ones.
 *
 * Of these, imprint computes MD5 and SHA-1: read as `md5` or `sha1`, each entry gives its
 * fingerprint of that algorithm (metadata: kind, id, classification). Read as anything else (PDQ),
 * every entry is counted as a row of other types, and the list ends in ERR_LIST_EMPTY saying what
 * the file holds. Deleted entries are counted in `withdrawn`.
 */
import type { ListFormat, ReadContext, ReadSink, TextReader } from '../format.js';

/** Fingerprint element names, as imprint algorithm names. */
const FINGERPRINTS: Readonly<Record<string, string>> = { md5: 'md5', sha1: 'sha1' };
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

interface Item {
  kind: string;
  line: number;
  id?: string;
  classification?: string;
  values: Map<string, string>;
  types: string[];
}

function localName(tag: string): string {
  const name = /^\/?\s*([^\s/>]+)/.exec(tag)?.[1] ?? '';
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[name] ?? all;
  });
}

class NcmecReader implements TextReader {
  readonly kind = 'text';
  readonly #ctx: ReadContext;
  readonly #sink: ReadSink;
  #buf = '';
  #line: number;
  #ended = false;
  #item: Item | undefined;
  #deleted = false;
  #inFingerprints = false;
  /** Element whose text is being kept (id, classification, a fingerprint). */
  #capture: string | undefined;
  #text = '';

  constructor(ctx: ReadContext, sink: ReadSink, firstLine: number) {
    this.#ctx = ctx;
    this.#sink = sink;
    this.#line = firstLine;
  }

  get line(): number {
    return this.#line;
  }

  get lines(): number {
    return this.#line - (this.#ended && this.#endsWithNewline ? 1 : 0);
  }

  #endsWithNewline = true;

  push(text: string): void {
    if (text.length > 0) this.#endsWithNewline = text.endsWith('\n');
    this.#buf += text;
    this.#scan(false);
  }

  end(): void {
    this.#scan(true);
    this.#ended = true;
    if (this.#item !== undefined) {
      this.#sink.fatal(
        'ERR_HASH_LIST_SYNTAX',
        `The <${this.#item.kind}> entry is not closed`,
        this.#item.line,
      );
    }
  }

  #advance(text: string): void {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#line++;
  }

  #scan(final: boolean): void {
    let pos = 0;
    const buf = this.#buf;
    while (pos < buf.length) {
      const lt = buf.indexOf('<', pos);
      const textEnd = lt < 0 ? buf.length : lt;
      if (textEnd > pos) {
        const text = buf.slice(pos, textEnd);
        if (this.#capture !== undefined) this.#keepText(text);
        this.#advance(text);
        pos = textEnd;
        continue;
      }
      // A markup construct starts at pos.
      const closer = buf.startsWith('<!--', pos)
        ? '-->'
        : buf.startsWith('<![CDATA[', pos)
          ? ']]>'
          : buf.startsWith('<?', pos)
            ? '?>'
            : '>';
      const close = buf.indexOf(closer, pos + 1);
      if (close < 0) {
        if (final)
          this.#sink.fatal('ERR_HASH_LIST_SYNTAX', 'XML markup not closed before the end', this.#line);
        if (buf.length - pos > this.#ctx.maxLength) {
          this.#sink.fatal(
            'ERR_HASH_LIST_SYNTAX',
            `XML tag longer than ${this.#ctx.maxLength} characters`,
            this.#line,
          );
        }
        break;
      }
      const markup = buf.slice(pos, close + closer.length);
      if (closer === ']]>' && this.#capture !== undefined) this.#keepText(markup.slice(9, -3));
      else if (closer === '>') this.#tag(markup.slice(1, -1));
      this.#advance(markup);
      pos = close + closer.length;
    }
    this.#buf = buf.slice(pos);
  }

  #keepText(text: string): void {
    if (this.#text.length + text.length > this.#ctx.maxLength) {
      this.#sink.fatal(
        'ERR_HASH_LIST_SYNTAX',
        `XML text longer than ${this.#ctx.maxLength} characters`,
        this.#line,
      );
    }
    this.#text += text;
  }

  #tag(tag: string): void {
    const name = localName(tag);
    const closing = tag.startsWith('/');
    const selfClosing = tag.endsWith('/');
    if (closing) {
      if (name === this.#capture) this.#endCapture(name);
      else if (name === 'fingerprints') this.#inFingerprints = false;
      else if (this.#item !== undefined && name === this.#item.kind) this.#emit();
      else if (this.#deleted && (name === 'deletedImage' || name === 'deletedVideo')) {
        this.#deleted = false;
        this.#sink.withdrawnRecord();
      }
      return;
    }
    if (name === 'image' || name === 'video') {
      if (!selfClosing) this.#item = { kind: name, line: this.#line, values: new Map(), types: [] };
      return;
    }
    if (name === 'deletedImage' || name === 'deletedVideo') {
      if (selfClosing) this.#sink.withdrawnRecord();
      else this.#deleted = true;
      return;
    }
    const item = this.#item;
    if (item === undefined) return;
    if (name === 'fingerprints') {
      this.#inFingerprints = !selfClosing;
      return;
    }
    if (this.#inFingerprints) {
      item.types.push(name);
      if (!selfClosing) this.#startCapture(name);
    } else if ((name === 'id' || name === 'classification') && !selfClosing) this.#startCapture(name);
  }

  #startCapture(name: string): void {
    this.#capture = name;
    this.#text = '';
  }

  #endCapture(name: string): void {
    const value = decode(this.#text).trim();
    this.#capture = undefined;
    this.#text = '';
    const item = this.#item;
    if (item === undefined) return;
    if (this.#inFingerprints) item.values.set(name, value);
    else if (name === 'id') item.id = value;
    else if (name === 'classification') item.classification = value;
  }

  #emit(): void {
    const item = this.#item!;
    this.#item = undefined;
    const element = Object.keys(FINGERPRINTS).find((k) => FINGERPRINTS[k] === this.#ctx.algorithm);
    const hex = element === undefined ? undefined : item.values.get(element);
    if (hex === undefined) {
      this.#sink.otherTypes(item.types.length > 0 ? item.types : ['no fingerprint']);
      return;
    }
    this.#sink.entry(
      {
        hex,
        metadata: {
          kind: item.kind,
          ...(item.id === undefined ? {} : { id: item.id }),
          ...(item.classification === undefined ? {} : { classification: item.classification }),
        },
      },
      item.line,
    );
  }
}

export const ncmecXmlFormat: ListFormat = {
  name: 'ncmec-xml',
  summary: 'NCMEC hash-sharing XML: MD5 and SHA-1 read (as md5 / sha1), PhotoDNA counted, not read',

  claim(first) {
    return first.trimStart().startsWith('<');
  },

  open(ctx, sink, start) {
    return new NcmecReader(ctx, sink, start.line);
  },
};

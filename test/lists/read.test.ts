import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashToHex } from '../../src/core/hash.js';
import { MAX_JSON_DEPTH } from '../../src/lists/json-scanner.js';
import { parseHashList, readHashList } from '../../src/lists/read.js';
import type { HashListFormat, ReadHashListOptions } from '../../src/lists/types.js';
import { formatHashList } from '../../src/lists/write.js';
import { plainEntries, referencePdq, splitAt } from './helpers.js';

const PDQ = referencePdq();
const A = PDQ.get('images/bridge-mods/aaa-orig.jpg')!.hash;
const B = PDQ.get('images/bridge-mods/blur-a-lot.jpg')!.hash;
const C = PDQ.get('images/misc/wee.jpg')!.hash;

function thrown(fn: () => unknown): ImprintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImprintError) return err;
    throw err;
  }
  throw new Error('expected an ImprintError');
}

async function thrownAsync(promise: Promise<unknown>): Promise<ImprintError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ImprintError) return err;
    throw err;
  }
  throw new Error('expected an ImprintError');
}

const hexes = (text: string, options: ReadHashListOptions = {}) =>
  parseHashList(text, options).entries.map((e) => hashToHex(e.hash));

describe('format detection', () => {
  const cases: [string, string, HashListFormat | undefined][] = [
    ['plain', `${A}\n${B}\n`, 'plain'],
    ['plain, upper case', `${A.toUpperCase()}\n`, 'plain'],
    ['hash,metadata', `${A},case-1\n`, 'hash-metadata'],
    ['hash= prefix without comma', `hash=${A}\n`, 'hash-metadata'],
    ['hash,metadata whose metadata names a column', `${A},pdq,hash\n`, 'hash-metadata'],
    ['CSV header hash', `hash,note\n${A},x\n`, 'csv'],
    ['CSV header PDQ (any case)', `id,PDQ\n1,${A}\n`, 'csv'],
    ['CSV header signal', `signal\n${A}\n`, 'csv'],
    ['CSV quoted header', `"hash","a, b"\n${A},x\n`, 'csv'],
    ['threatexchange', `pdq ${A}\n`, 'threatexchange'],
    ['NDJSON', `{"hash":"${A}"}\n`, 'ndjson'],
    ['JSON array', `[\n "${A}"\n]\n`, 'json'],
    ['JSON object over lines', `{\n "hashRecords": ["${A}"]\n}\n`, 'json'],
    ['comments and blanks first', `# list\n\n  # more\n${A}\n`, 'plain'],
  ];
  for (const [name, text, format] of cases) {
    it(name, () => expect(parseHashList(text).stats.format).toBe(format));
  }

  it('an explicit format overrides detection', () => {
    const error = thrown(() => parseHashList(`${A},x\n`, { format: 'csv' }));
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.message).toContain('no hash column');
  });
});

describe('line handling', () => {
  it('accepts CRLF, a UTF-8 BOM, blank and comment lines, a last line without newline', () => {
    const text = `\ufeff# known\r\n\r\n${A}\r\n   \r\n# again\r\n${B}`;
    const { entries, stats } = parseHashList(text);
    expect(plainEntries(entries)).toEqual([
      { hex: A, metadata: undefined, line: 3 },
      { hex: B, metadata: undefined, line: 6 },
    ]);
    expect(stats).toMatchObject({ lines: 6, entries: 2, blankLines: 2, commentLines: 2, skipped: 0 });
  });

  it('keeps hash,metadata metadata verbatim (spaces, commas, quotes, #)', () => {
    const { entries } = parseHashList(`  ${A} , a "b", c # d \n${B},\n${C}\n`, { format: 'hash-metadata' });
    expect(entries.map((e) => e.metadata)).toEqual([' a "b", c # d ', '', undefined]);
  });

  it('plain lines may carry metadata after whitespace or a comma', () => {
    const { entries } = parseHashList(`${A}\tfirst one\n${B},second, with comma\n${C}\n`);
    expect(entries.map((e) => e.metadata)).toEqual(['first one', 'second, with comma', undefined]);
  });

  it('streams: lines split across chunks, CRLF split between chunks, multi-byte characters split', async () => {
    const text = `${A},caf\u00e9 \u{1f600}\r\n${B},\u00fc\r\n${C}`;
    const bytes = new TextEncoder().encode(text);
    const whole = parseHashList(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const list = readHashList(splitAt(bytes, [cut, cut + 1, cut + 3]));
      expect(await list.toArray()).toEqual(whole.entries);
      expect(list.stats).toEqual(whole.stats);
    }
  });

  it('reads string chunks too, and sync iterables', async () => {
    const list = readHashList([`${A}\n${B.slice(0, 10)}`, `${B.slice(10)}\n`]);
    expect((await list.toArray()).map((e) => hashToHex(e.hash))).toEqual([A, B]);
  });

  it('streaming equals whole-string parsing for any split (property)', async () => {
    const formats = ['plain', 'hash-metadata', 'csv', 'ndjson'] as const;
    const metadataArb = fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ' '));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...formats),
        fc.array(fc.tuple(fc.constantFrom(A, B, C), metadataArb), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(2000), { maxLength: 6 }),
        fc.boolean(),
        async (format, rows, cuts, crlf) => {
          let text = formatHashList(
            rows.map(([hex, note]) => ({
              hash: parseHashList(hex).entries[0]!.hash,
              metadata: format === 'csv' || format === 'ndjson' ? { note } : note,
            })),
            { format },
          );
          if (crlf) text = text.replaceAll('\n', '\r\n');
          const whole = parseHashList(text);
          const list = readHashList(splitAt(new TextEncoder().encode(text), cuts));
          expect(await list.toArray()).toEqual(whole.entries);
          expect(list.stats).toEqual(whole.stats);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('malformed lines', () => {
  const bad: [string, string, string, number][] = [
    ['plain: bad hex', `${A}\n${A.slice(0, 63)}g\n`, 'ERR_INVALID_HASH', 2],
    ['plain: short', `# c\n${A}\n\n${A.slice(1)}\n`, 'ERR_INVALID_HASH', 4],
    ['hash,metadata: empty hash', `${A},x\n,y\n`, 'ERR_INVALID_HASH', 2],
    ['threatexchange: no hash', `pdq ${A}\npdq\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['threatexchange: bad hash', `pdq ${A}\npdq ${A}0\n`, 'ERR_INVALID_HASH', 2],
    ['threatexchange: bad type', `pdq ${A}\n9x ${A}\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['csv: wrong field count', `hash,a\n${A},1\n${A}\n`, 'ERR_HASH_LIST_SYNTAX', 3],
    ['csv: quote in unquoted field', `hash,a\n${A},x"y\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['csv: text after closing quote', `hash,a\n${A},"x"y\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['csv: unterminated quote at end', `hash,a\n${A},x\n${A},"open\nstill\n`, 'ERR_HASH_LIST_SYNTAX', 3],
    ['ndjson: bad JSON', `{"hash":"${A}"}\n{"hash":\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['ndjson: no hash field', `{"hash":"${A}"}\n{"path":"x"}\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['ndjson: hash not a string', `{"hash":"${A}"}\n{"hash":12}\n`, 'ERR_INVALID_HASH', 2],
    ['ndjson: quality out of range', `{"hash":"${A}","quality":101}\n`, 'ERR_HASH_LIST_SYNTAX', 1],
    ['ndjson: number record', `{"hash":"${A}"}\n42\n`, 'ERR_HASH_LIST_SYNTAX', 2],
    ['json: bad element', `[\n"${A}",\n{"hash": 1 2}\n]`, 'ERR_HASH_LIST_SYNTAX', 3],
    ['json: bad hash in element', `[\n"${A}",\n\n"abc"\n]`, 'ERR_INVALID_HASH', 4],
    ['json: missing comma (one bad element)', `["${A}"\n"${B}"]`, 'ERR_HASH_LIST_SYNTAX', 1],
  ];
  for (const [name, text, code, line] of bad) {
    it(`${name}: ${code} at line ${line}, or skipped when lenient`, () => {
      const error = thrown(() => parseHashList(text, { source: 'list.txt' }));
      expect(error.code).toBe(code);
      expect(error.location).toEqual({ source: 'list.txt', line });
      expect(error.message).toMatch(new RegExp(`^list\\.txt:line ${line}: `));

      const seen: ImprintError[] = [];
      const options = { source: 'list.txt', lenient: true, onProblem: (e: ImprintError) => seen.push(e) };
      // The bad line is skipped; where it was the only one, nothing usable is left: ERR_LIST_EMPTY.
      let lenient: ReturnType<typeof parseHashList> | undefined;
      try {
        lenient = parseHashList(text, options);
      } catch (err) {
        expect((err as ImprintError).code).toBe('ERR_LIST_EMPTY');
        expect((err as ImprintError).message).toContain('1 malformed line skipped');
      }
      if (lenient) {
        expect(lenient.stats.skipped).toBe(1);
        expect(lenient.problems).toEqual(seen);
      }
      expect(seen.map((p) => [p.code, p.location?.line])).toEqual([[code, line]]);
    });
  }

  const fatal: [string, string, number, HashListFormat | 'auto'][] = [
    ['csv: no hash column', `# x\nname,path\nx,y\n`, 2, 'csv'],
    ['csv: duplicate column', `hash,a,a\n${A},1,2\n`, 1, 'auto'],
    ['csv: bad header', `hash,"a"b\n`, 1, 'csv'],
    ['csv: record too long (unclosed quote)', `hash,a\n${A},"${'x\n'.repeat(60)}`, 2, 'auto'],
    ['json: truncated', `[\n{"hash": "${A}"},\n{"hash"`, 3, 'auto'],
    ['json: mismatched bracket', `[\n{"hash": "${A}"}\n}`, 3, 'auto'],
    ['json: trailing comma', `["${A}",\n]`, 2, 'auto'],
    ['json: empty element', `["${A}",,"${B}"]`, 1, 'auto'],
    ['json: top-level number', `["${A}"]\n7`, 2, 'auto'],
    ['json: stray closing bracket', `\n]`, 2, 'json'],
    ['stopncii: not JSON', `${A}\n`, 1, 'stopncii'],
  ];
  for (const [name, text, line, format] of fatal) {
    it(`${name}: ERR_HASH_LIST_SYNTAX at line ${line}, even when lenient`, () => {
      for (const lenient of [false, true]) {
        const error = thrown(() => parseHashList(text, { source: 's', lenient, format, maxLineLength: 100 }));
        expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
        expect(error.location).toEqual({ source: 's', line });
      }
    });
  }

  it('keeps at most 1000 problems but counts them all', () => {
    const text = `${A}\n${'zz\n'.repeat(1500)}${B}\n`;
    const { entries, stats, problems } = parseHashList(text, { lenient: true });
    expect(entries).toHaveLength(2);
    expect(stats.skipped).toBe(1500);
    expect(problems).toHaveLength(1000);
  });
});

describe('CSV', () => {
  it('RFC 4180 quoting: commas, quotes and line breaks (LF and CRLF) inside quotes', () => {
    const text = `hash,"note, with comma",other\r\n${A},"a ""quoted"" word","two\r\nlines"\r\n${B},"x\ny",\r\n`;
    const { entries } = parseHashList(text);
    expect(plainEntries(entries)).toEqual([
      { hex: A, metadata: { 'note, with comma': 'a "quoted" word', other: 'two\r\nlines' }, line: 2 },
      { hex: B, metadata: { 'note, with comma': 'x\ny', other: '' }, line: 4 },
    ]);
  });

  it('comments only before the header; after it a # row is data', () => {
    const text = `# exported\nFilePath,Hash\n#1.jpg,${A}\n`;
    expect(parseHashList(text).entries[0]!.metadata).toEqual({ FilePath: '#1.jpg' });
  });

  it('a "__proto__" column stays plain data', () => {
    const { entries } = parseHashList(`hash,__proto__\n${A},"{""polluted"":1}"\n`);
    const metadata = entries[0]!.metadata as Record<string, unknown>;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(metadata, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('hashColumn picks the column; a column named after another algorithm declares its rows', () => {
    const text = `sha,md5,digest\nx,y,${A}\n`;
    expect(hexes(text, { hashColumn: 'Digest' })).toEqual([A]);
    const error = thrown(() => parseHashList(`path,md5\nx,${A.slice(0, 32)}\n`));
    expect(error.code).toBe('ERR_INVALID_HASH');
    expect(error.message).toContain('"md5"');
  });

  it('the hash column named after the algorithm wins over a "hash" column', () => {
    expect(hexes(`hash,pdq\n${B},${A}\n`)).toEqual([A]);
  });
});

describe('JSON', () => {
  it('streams the records of a wrapper object and ignores the envelope', () => {
    const text = `{"paging": {"next": [1, [2]]}, "data": [\n{"hash": "${A}"},\n"${B}"\n], "after": {"x": "]"}}`;
    expect(plainEntries(parseHashList(text).entries)).toEqual([
      { hex: A, metadata: undefined, line: 2 },
      { hex: B, metadata: undefined, line: 3 },
    ]);
  });

  it('reads several top-level values, objects and arrays mixed', () => {
    const text = `[\n"${A}"\n]\n{"hash": "${B}", "n": [1, {"a": "}"}]}\n"${C}"`;
    expect(hexes(text, { format: 'json' })).toEqual([A, B, C]);
  });

  it('a one-line JSON document longer than maxLineLength is read as a document', () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ hash: i % 2 ? A : B, n: i }));
    const text = JSON.stringify({ count: 40, hashRecords: [], data: records });
    const { entries, stats } = parseHashList(text, { maxLineLength: 200 });
    expect(stats.format).toBe('json');
    expect(entries).toHaveLength(40);
  });

  it('a record longer than maxLineLength is skipped when lenient, the scanner staying in sync', () => {
    const text = `[{"hash": "${A}", "pad": "${'x'.repeat(300)}"}, "${B}"]`;
    expect(thrown(() => parseHashList(text, { maxLineLength: 200 })).code).toBe('ERR_HASH_LIST_SYNTAX');
    const { entries, stats } = parseHashList(text, { maxLineLength: 200, lenient: true });
    expect(entries.map((e) => hashToHex(e.hash))).toEqual([B]);
    expect(stats.skipped).toBe(1);
  });

  it('JSON documents: any split, escapes and unicode in strings, record lines (property)', async () => {
    const noteArb = fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => `${s}"\\\n\u2028}]{[`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(A, B, C), noteArb), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.nat(3000), { maxLength: 6 }),
        async (rows, wrapped, cuts) => {
          const records = rows.map(([hash, note]) => ({ hash, note }));
          const text = JSON.stringify(
            wrapped ? { count: records.length, hashRecords: records, more: true } : records,
            null,
            2,
          );
          // Pretty-printed, each record's "{" opens a line of its own: the expected record lines.
          const indent = wrapped ? '    {' : '  {';
          const starts = text.split('\n').flatMap((l, i) => (l === indent ? [i + 1] : []));
          const list = readHashList(splitAt(new TextEncoder().encode(text), cuts));
          const entries = await list.toArray();
          expect(plainEntries(entries)).toEqual(
            records.map((r, i) => ({ hex: r.hash, metadata: { note: r.note }, line: starts[i] })),
          );
          expect(list.stats.format).toBe('json');
          expect(list.stats.lines).toBe(text.split('\n').length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH}`, () => {
    const text = `[${'['.repeat(MAX_JSON_DEPTH + 5)}`;
    const error = thrown(() => parseHashList(text));
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.message).toContain('nested deeper');
  });

  it('quality: null is absent; declared algorithm of another type is filtered on request', () => {
    const text = `{"hash":"${A}","algorithm":"pdq","quality":null}\n{"hash":"${A.slice(0, 16)}","algorithm":"phash"}\n`;
    const { entries, stats } = parseHashList(text, { otherAlgorithms: 'skip' });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.hash.quality).toBeUndefined();
    expect(stats.filteredTypes).toEqual({ phash: 1 });
  });
});

describe('guards', () => {
  it('stops a line longer than maxLineLength without reading the rest of it', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61); // 'a', no newline: a 100 MB line if read whole
    function* endless() {
      for (let i = 0; i < 1600; i++) {
        pulled++;
        yield chunk;
      }
    }
    const error = await thrownAsync(readHashList(endless(), { source: 'huge.txt' }).toArray());
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.location).toEqual({ source: 'huge.txt', line: 1 });
    expect(error.message).toContain('longer than 1048576');
    expect(pulled).toBeLessThanOrEqual(17);
  });

  it('when lenient, skips the over-long line and goes on', async () => {
    const chunks = [`${A}\n`, 'b'.repeat(150), 'b'.repeat(150), `\n${B}\n`];
    const list = readHashList(chunks, { maxLineLength: 100, lenient: true });
    expect((await list.toArray()).map((e) => [hashToHex(e.hash), e.line])).toEqual([
      [A, 1],
      [B, 3],
    ]);
    expect(list.problems.map((p) => p.location?.line)).toEqual([2]);
  });

  it('names line and byte of invalid UTF-8, after yielding the lines before it', async () => {
    // The format is decided on the first 64 significant lines: entries come once it is.
    const lines = Array.from({ length: 70 }, (_, i) => (i % 2 ? A : B));
    const head = new TextEncoder().encode(`${lines.join('\n')}\n${B},caf`);
    const bytes = new Uint8Array([...head, 0xc3, 0x28, 0x0a]);
    const seen: string[] = [];
    const error = await thrownAsync(
      (async () => {
        for await (const e of readHashList(splitAt(bytes, [head.length - 2]), { source: 'u.txt' }))
          seen.push(hashToHex(e.hash));
      })(),
    );
    expect(error.code).toBe('ERR_HASH_LIST_SYNTAX');
    expect(error.location).toEqual({ source: 'u.txt', line: 71, offset: head.length });
    expect(seen).toEqual(lines);
  });

  it('a multi-byte character cut off by the end of input is invalid UTF-8', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode(`${A}\n`), 0xe2, 0x82]);
    const error = await thrownAsync(readHashList([bytes]).toArray());
    expect(error.location).toMatchObject({ line: 2, offset: 65 });
  });

  it('aborts with ERR_ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await thrownAsync(readHashList([`${A}\n`], { signal: controller.signal }).toArray());
    expect(error.code).toBe('ERR_ABORTED');
  });

  it('refuses bad options and chunks with typed errors', async () => {
    expect(thrown(() => parseHashList('', { algorithm: 'nope' })).code).toBe('ERR_UNKNOWN_ALGORITHM');
    expect(thrown(() => parseHashList('', { format: 'xml' as HashListFormat })).code).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(thrown(() => parseHashList('', { maxLineLength: 0 })).code).toBe('ERR_INVALID_ARGUMENT');
    expect(thrown(() => parseHashList('', { otherAlgorithms: 'maybe' as 'skip' })).code).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(thrown(() => parseHashList(42 as unknown as string)).code).toBe('ERR_INVALID_ARGUMENT');
    const bad = await thrownAsync(readHashList([42 as unknown as string]).toArray());
    expect(bad.code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('a reader is iterated once', async () => {
    const list = readHashList([`${A}\n`]);
    await list.toArray();
    expect((await thrownAsync(list.toArray())).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('batches() yields arrays, one per chunk with entries once the format is known', async () => {
    const first = `${A}\n`.repeat(70);
    const list = readHashList([first, `${B}\n${C}\n`, `${C}\n`]);
    const sizes: number[] = [];
    for await (const batch of list.batches()) sizes.push(batch.length);
    expect(sizes).toEqual([70, 2, 1]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ImprintError, toImprintError } from '../../src/core/errors.js';

describe('error codes', () => {
  it('the README error table lists every code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme, code).toContain(`| \`${code}\` |`);
  });

  it('errors carry code, cause and location in their message', () => {
    const cause = new Error('inner');
    const err = new ImprintError('ERR_HASH_LIST_SYNTAX', 'bad hash', {
      cause,
      location: { source: 'list.csv', line: 7 },
    });
    expect(err.message).toBe('list.csv:line 7: bad hash');
    expect(err.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      code: 'ERR_HASH_LIST_SYNTAX',
      message: 'list.csv:line 7: bad hash',
    });
    expect(toImprintError(new TypeError('x')).code).toBe('ERR_INTERNAL');
    expect(toImprintError(err)).toBe(err);
  });
});

import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.js';

describe('Redactor', () => {
  const url = 'postgresql://u:s3cret@127.0.0.1:1/x';

  it('hides the password of a known URL anywhere in a text', () => {
    const redactor = new Redactor([url]);
    expect(redactor.text(`connect to ${url} failed`)).toBe('connect to postgresql://u:***@127.0.0.1:1/x failed');
    expect(redactor.text('password authentication failed: s3cret')).not.toContain('s3cret');
  });

  it('hides URL-encoded passwords in both forms', () => {
    const redactor = new Redactor(['postgresql://u:p%40ss@h/db']);
    expect(redactor.text('p%40ss and p@ss')).toBe('*** and ***');
  });

  it('hides credentials of URLs it was not told about', () => {
    expect(new Redactor().text('see mysql://root:hunter2@db:3306/app')).toBe('see mysql://root:***@db:3306/app');
  });

  it('finds URLs on the command line, in --flag=value form too', () => {
    expect(Redactor.urlsInArgv(['upgrade', `--url=${url}`, 'head', 'sqlite:///x.db'])).toEqual([url]);
  });

  it('redacts every string of a JSON value, including error toJSON output', () => {
    const redactor = new Redactor([url]);
    const error = { toJSON: () => ({ message: `bad ${url}` }) };
    expect(redactor.value({ a: [`${url}`], b: 1, c: null, d: error })).toEqual({
      a: ['postgresql://u:***@127.0.0.1:1/x'],
      b: 1,
      c: null,
      d: { message: 'bad postgresql://u:***@127.0.0.1:1/x' },
    });
  });

  it('keeps a value that appears twice (check --json shares its pending list), and marks only true cycles', () => {
    const redactor = new Redactor([url]);
    const pending = ['b2', 'c3'];
    expect(redactor.value({ pending, problems: [{ code: 'DB_NOT_UP_TO_DATE', pending }] })).toEqual({
      pending: ['b2', 'c3'],
      problems: [{ code: 'DB_NOT_UP_TO_DATE', pending: ['b2', 'c3'] }],
    });
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle['self'] = cycle;
    expect(redactor.value(cycle)).toEqual({ name: 'loop', self: '[Circular]' });
  });
});

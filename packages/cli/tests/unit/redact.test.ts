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

  it('finds every credential form on the command line: query parameters and libpq connection strings', () => {
    const query = 'postgresql://u@h/db?sslmode=require&password=s3cr%40t';
    const conninfo = "host=h password='s3 cr@t'";
    expect(Redactor.urlsInArgv(['current', '--url', query, `--url=${conninfo}`, '-m', 'add users', 'postgresql://u@h/db'])).toEqual([
      query,
      conninfo,
    ]);
  });

  it('hides a password given as a query parameter, raw and percent-decoded (the --verbose Database: line)', () => {
    const withQuery = 'postgresql://postgres@127.0.0.1:5432/db?password=s3cr%40t';
    const redactor = new Redactor([withQuery]);
    expect(redactor.text(`Database: ${withQuery} (from --url)`)).toBe('Database: postgresql://postgres@127.0.0.1:5432/db?password=*** (from --url)');
    expect(redactor.text('auth failed: s3cr@t / s3cr%40t')).toBe('auth failed: *** / ***');
    expect(redactor.value({ error: { message: `bad ${withQuery}`, causes: ['s3cr@t'] } })).toEqual({
      error: { message: 'bad postgresql://postgres@127.0.0.1:5432/db?password=***', causes: ['***'] },
    });
  });

  it('hides sslpassword, token-style parameters and JDBC-style ;password= of URLs it was not told about', () => {
    const redactor = new Redactor();
    expect(redactor.text('at postgresql://u@h/db?sslpassword=k3y&sslmode=require')).toBe('at postgresql://u@h/db?sslpassword=***&sslmode=require');
    expect(redactor.text('at libsql://x.turso.io?authToken=eyJ0')).toBe('at libsql://x.turso.io?authToken=***');
    expect(redactor.text('at sqlserver://h/db;user=sa;password=pw')).toBe('at sqlserver://h/db;user=sa;password=***');
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

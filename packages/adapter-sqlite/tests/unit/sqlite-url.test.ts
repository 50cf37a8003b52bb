import { resolve } from 'node:path';

import { InvalidUrlError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { parseSqliteUrl } from '../../src/sqlite-url.js';

const cwd = '/srv/app';

function invalid(url: string): InvalidUrlError {
  try {
    parseSqliteUrl(url, cwd);
  } catch (error) {
    if (error instanceof InvalidUrlError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parseSqliteUrl', () => {
  it('resolves three slashes against cwd', () => {
    expect(parseSqliteUrl('sqlite:///db/app.db', cwd)).toEqual({ kind: 'file', path: resolve(cwd, 'db/app.db') });
    expect(parseSqliteUrl('sqlite:///../shared.db', cwd)).toEqual({ kind: 'file', path: '/srv/shared.db' });
  });

  it('takes four slashes as an absolute path', () => {
    expect(parseSqliteUrl('sqlite:////var/lib/app.db', cwd)).toEqual({ kind: 'file', path: '/var/lib/app.db' });
  });

  it.each(['sqlite://', 'sqlite:///:memory:', 'SQLite://'])('reads %s as an in-memory database', (url) => {
    expect(parseSqliteUrl(url, cwd)).toEqual({ kind: 'memory' });
  });

  it('accepts and ignores a driver suffix, as SQLAlchemy URLs carry', () => {
    expect(parseSqliteUrl('sqlite+pysqlite:///app.db', cwd)).toEqual({ kind: 'file', path: '/srv/app/app.db' });
  });

  it('percent-decodes the path', () => {
    expect(parseSqliteUrl('sqlite:///my%20data/app.db', cwd)).toEqual({ kind: 'file', path: '/srv/app/my data/app.db' });
  });

  it.each([
    ['sqlite:/app.db', 'expected sqlite:// followed by /<path> (e.g. sqlite:///app.db)'],
    ['sqlite:app.db', 'expected sqlite:// followed by /<path> (e.g. sqlite:///app.db)'],
    ['sqlite://localhost/app.db', "SQLite URLs have no host ('localhost'); use sqlite:///relative.db or sqlite:////absolute.db"],
    ['sqlite:///', 'the URL names no database file'],
    ['sqlite:////', 'the URL names no database file'],
    ['sqlite:///data/', 'the URL names no database file'],
    ['sqlite:///app.db?mode=ro', 'query parameters and fragments are not supported in SQLite URLs'],
    ['sqlite:///100%.db', 'the path contains a malformed percent escape'],
    ['postgresql://db/app', 'the scheme must be sqlite://'],
    ['app.db', 'the scheme must be sqlite://'],
  ])('rejects %s', (url, reason) => {
    const error = invalid(url);
    expect(error.code).toBe('INVALID_URL');
    expect(error.reason).toBe(reason);
    expect(error.url).toBe(url);
  });

  it('states the URL and the reason in its message', () => {
    expect(invalid('sqlite://localhost/app.db').message).toBe(
      "Invalid database URL 'sqlite://localhost/app.db': SQLite URLs have no host ('localhost'); " +
        'use sqlite:///relative.db or sqlite:////absolute.db',
    );
  });

  it('never echoes a password', () => {
    const error = invalid('sqlite://app:s3cret@localhost/app.db');
    expect(error.url).toBe('sqlite://app:***@localhost/app.db');
    expect(error.message).not.toContain('s3cret');
  });
});

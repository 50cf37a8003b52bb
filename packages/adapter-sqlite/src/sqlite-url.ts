import { isAbsolute, resolve } from 'node:path';

import { InvalidUrlError, redactUrl } from '@cloudguard/migrate-core/adapter';

/** Where a SQLite URL points: a file (absolute path) or a private in-memory database. */
export type SqliteLocation = { readonly kind: 'memory' } | { readonly kind: 'file'; readonly path: string };

const MEMORY = ':memory:';

/**
 * Parses a SQLAlchemy-style SQLite URL, as Alembic users write them.
 *
 * - `sqlite:///relative/path.db`: three slashes, a path relative to `cwd`;
 * - `sqlite:////absolute/path.db`: four slashes, an absolute path;
 * - `sqlite://` or `sqlite:///:memory:`: an in-memory database.
 *
 * A driver suffix (`sqlite+pysqlite:///app.db`) is accepted and ignored. The path is
 * percent-decoded.
 *
 * ### Examples
 * ```ts
 * parseSqliteUrl('sqlite:///db/app.db', '/srv/app') // { kind: 'file', path: '/srv/app/db/app.db' }
 * parseSqliteUrl('sqlite:////var/lib/app.db', '/srv') // { kind: 'file', path: '/var/lib/app.db' }
 * parseSqliteUrl('sqlite://', '/srv') // { kind: 'memory' }
 * ```
 *
 * @throws {InvalidUrlError} for another scheme, a URL without `//`, a host, a missing
 *   path, query parameters or a malformed percent escape.
 */
export function parseSqliteUrl(url: string, cwd: string): SqliteLocation {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  // SQLite URLs carry no credentials, but a mistyped one might: never echo a password.
  const fail = (reason: string): never => {
    throw new InvalidUrlError(redactUrl(url), reason);
  };

  if (scheme === undefined || scheme.split('+')[0] !== 'sqlite') fail('the scheme must be sqlite://');
  if (!rest.startsWith('//')) fail('expected sqlite:// followed by /<path> (e.g. sqlite:///app.db)');
  if (/[?#]/.test(rest)) fail('query parameters and fragments are not supported in SQLite URLs');

  const afterSlashes = rest.slice(2);
  if (afterSlashes === '') return { kind: 'memory' };
  if (!afterSlashes.startsWith('/')) {
    const host = afterSlashes.split('/')[0]!.split('@').pop();
    fail(`SQLite URLs have no host ('${host}'); use sqlite:///relative.db or sqlite:////absolute.db`);
  }

  const encoded = afterSlashes.slice(1);
  let path = '';
  try {
    path = decodeURIComponent(encoded);
  } catch {
    fail('the path contains a malformed percent escape');
  }
  if (path === MEMORY) return { kind: 'memory' };
  if (path === '' || path === '/' || path.endsWith('/')) fail('the URL names no database file');
  return { kind: 'file', path: isAbsolute(path) ? path : resolve(cwd, path) };
}

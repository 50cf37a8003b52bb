import { InvalidUrlError, redactUrl, urlScheme } from '@cloudguard/migrate-core/adapter';

/** The URL schemes this adapter serves. `mysql+pymysql://` and other `dialect+driver` forms reduce to these. */
export const MARIADB_SCHEMES = ['mysql', 'mariadb'] as const;

/** Where a MariaDB/MySQL URL points. */
export interface MariaDbLocation {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** `undefined` when the URL has none. Never print it. */
  readonly password: string | undefined;
  readonly database: string;
  /** `?socket=/run/mysqld/mysqld.sock`: a Unix socket instead of host and port. */
  readonly socketPath: string | undefined;
}

/**
 * Reads `mysql://user:password@host:3306/database` (also `mariadb://`, and
 * SQLAlchemy's `mysql+pymysql://`, `mysql+mysqldb://` … whose driver part is ignored).
 * Defaults: host `localhost`, port 3306, user `root`. The database is required: the
 * version table lives in it. `?socket=<path>` (or `?unix_socket=`, SQLAlchemy's name)
 * connects over a Unix socket.
 *
 * ### Examples
 * ```ts
 * parseMariaDbUrl('mysql+pymysql://app:s3cret@db:3307/cloudguard')
 * // { host: 'db', port: 3307, user: 'app', password: 's3cret', database: 'cloudguard', socketPath: undefined }
 * ```
 * @throws {InvalidUrlError} for another scheme, a URL that cannot be parsed, or one without a database.
 */
export function parseMariaDbUrl(url: string): MariaDbLocation {
  const scheme = urlScheme(url);
  if (!(MARIADB_SCHEMES as readonly string[]).includes(scheme)) {
    throw new InvalidUrlError(redactUrl(url), `the MariaDB adapter serves ${MARIADB_SCHEMES.map((s) => `${s}://`).join(' and ')} URLs, not ${scheme}://`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^[^:]+:/, 'mysql:'));
  } catch {
    throw new InvalidUrlError(redactUrl(url), 'it is not a URL of the form mysql://user:password@host:3306/database');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new InvalidUrlError(redactUrl(url), 'it names no database: use mysql://user:password@host:3306/database');
  }
  const port = parsed.port === '' ? 3306 : Number(parsed.port);
  return {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: parsed.username === '' ? 'root' : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    database,
    socketPath: parsed.searchParams.get('socket') ?? parsed.searchParams.get('unix_socket') ?? undefined,
  };
}

/** `user@host:port/database`, for messages (never the password). */
export function describeLocation(location: MariaDbLocation): string {
  const where = location.socketPath ?? `${location.host}:${location.port}`;
  return `MariaDB database ${location.database} at ${location.user}@${where}`;
}

/** A MariaDB identifier in backticks. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `\`schema\`.\`table\`` (in MariaDB a schema is a database), or the table alone. */
export function qualifiedName(table: { readonly name: string; readonly schema?: string | undefined }): string {
  return table.schema === undefined ? quoteIdentifier(table.name) : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

import { InvalidUrlError, redactUrl } from '@cloudguard/migrate-core/adapter';

/** libpq's `sslmode` values. */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: ReadonlySet<string> = new Set<SslMode>(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/** Where a PostgreSQL URL points, and how to open the session. Absent fields fall back to pg's defaults (`PGHOST`, `PGUSER`, …). */
export interface PostgresLocation {
  /** A host name, an IP address, or a Unix-socket directory (starting with `/`). */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly database?: string | undefined;
  readonly sslMode?: SslMode | undefined;
  readonly applicationName?: string | undefined;
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Run-time settings for every session, from libpq's `options` (`-c name=value`) and
   * Prisma's `schema` (which becomes `search_path`), in order.
   */
  readonly settings: ReadonlyMap<string, string>;
  /**
   * `lock_timeout` and `statement_timeout` from the URL's `?lock_timeout=` and
   * `?statement_timeout=`: applied like the adapter's options of the same names (with
   * `SET LOCAL` in each migration's transaction, not to the whole session), over them.
   */
  readonly timeouts: ReadonlyMap<string, string>;
}

/** A PostgreSQL duration as `SET` takes it: a number with an optional unit. */
export const POSTGRES_DURATION = /^\d+(\.\d+)?\s*(us|ms|s|min|h|d)?$/;

const SUPPORTED_PARAMETERS = [
  'sslmode', 'options', 'schema', 'application_name', 'host', 'port', 'user', 'password', 'dbname', 'connect_timeout',
  'lock_timeout', 'statement_timeout',
];

/**
 * Parses a PostgreSQL URL as libpq, SQLAlchemy (so Alembic) and Prisma users write it:
 * `postgresql://user:password@host:port/database?param=value`.
 *
 * - the scheme is `postgresql` or `postgres`; a SQLAlchemy driver suffix
 *   (`postgresql+psycopg2`, `+asyncpg`, `+psycopg`, …) is accepted and ignored;
 * - user, password and database are percent-decoded; `[::1]` brackets an IPv6 host;
 * - `?sslmode=` takes libpq's six modes (see {@link pgSsl} for how each maps onto pg);
 * - `?options=-c%20search_path%3Dapp` (libpq) carries run-time settings, and
 *   `?schema=app` (Prisma) sets `search_path` to that one schema;
 * - `?user=`, `?password=` and `?dbname=` override the URL's parts, as in libpq;
 * - `?host=/var/run/postgresql` (or a percent-encoded host starting with `/`)
 *   selects a Unix socket; `?port=`, `?application_name=` and `?connect_timeout=`
 *   (seconds) are libpq's;
 * - `?lock_timeout=5s` and `?statement_timeout=15min` (cgmigrate's own) set the
 *   adapter's `lockTimeout` and `statementTimeout` from a deploy's `DATABASE_URL`,
 *   winning over the options given in code. libpq refuses unknown parameters, so a
 *   URL carrying these is for cgmigrate only.
 *
 * ### Examples
 * ```ts
 * parsePostgresUrl('postgresql+psycopg2://app:s%40cret@db:6432/cloudguard?sslmode=require&schema=scans')
 * // { host: 'db', port: 6432, user: 'app', password: 's@cret', database: 'cloudguard',
 * //   sslMode: 'require', settings: Map { 'search_path' => '"scans"' } }
 * ```
 *
 * @throws {InvalidUrlError} for another scheme, a malformed authority or escape, an
 *   unknown or repeated parameter, an unknown `sslmode`, or both `schema` and a
 *   `search_path` in `options`. The URL in the error has its password replaced by `***`.
 */
export function parsePostgresUrl(url: string): PostgresLocation {
  const fail = (reason: string): never => {
    throw new InvalidUrlError(redactPostgresUrl(url), reason);
  };
  const decode = (text: string, what: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return fail(`the ${what} contains a malformed percent escape`);
    }
  };

  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/s.exec(url);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase().split('+')[0];
  if (scheme !== 'postgresql' && scheme !== 'postgres') fail('the scheme must be postgresql:// or postgres://');
  if (!match) return fail('expected postgresql://[user[:password]@]host[:port]/database');
  const [, , authority = '', path = '', query = '', fragment] = match;
  if (fragment !== undefined) fail('fragments are not supported in PostgreSQL URLs');

  const at = authority.lastIndexOf('@');
  const credentials = at === -1 ? undefined : authority.slice(0, at);
  const hostPort = at === -1 ? authority : authority.slice(at + 1);
  let user: string | undefined;
  let password: string | undefined;
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    user = decode(colon === -1 ? credentials : credentials.slice(0, colon), 'user name') || undefined;
    password = colon === -1 ? undefined : decode(credentials.slice(colon + 1), 'password');
  }

  const hostMatch = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(?::(\d*))?$/.exec(hostPort);
  if (!hostMatch) return fail(`malformed host and port '${hostPort}'`);
  const rawHost = hostMatch[1] ?? '';
  let host: string | undefined = rawHost.startsWith('[') ? rawHost.slice(1, -1) : decode(rawHost, 'host') || undefined;
  let port = hostMatch[2] ? parsePort(hostMatch[2], fail) : undefined;

  if (path.slice(1).includes('/')) fail('the database name must not contain /');
  let database = path.length > 1 ? decode(path.slice(1), 'database name') : undefined;

  let sslMode: SslMode | undefined;
  let applicationName: string | undefined;
  let connectTimeoutMs: number | undefined;
  let schema: string | undefined;
  let options: string | undefined;
  const timeouts = new Map<string, string>();
  const seen = new Set<string>();
  for (const pair of query.slice(1).split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals), 'query');
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1), 'query');
    if (seen.has(name)) fail(`the parameter '${name}' is given more than once`);
    seen.add(name);
    switch (name) {
      case 'sslmode':
        if (!SSL_MODES.has(value)) fail(`unknown sslmode '${value}' (expected one of ${[...SSL_MODES].join(', ')})`);
        sslMode = value as SslMode;
        break;
      case 'application_name':
        applicationName = value;
        break;
      case 'host':
        host = value || undefined;
        break;
      case 'port':
        port = parsePort(value, fail);
        break;
      case 'user':
        user = value || undefined;
        break;
      case 'password':
        password = value;
        break;
      case 'dbname':
        database = value || undefined;
        break;
      case 'connect_timeout': {
        const seconds = Number(value);
        if (!/^\d+$/.test(value)) fail(`connect_timeout must be a whole number of seconds, not '${value}'`);
        connectTimeoutMs = seconds * 1000;
        break;
      }
      case 'schema':
        if (value === '') fail('schema must not be empty');
        schema = value;
        break;
      case 'options':
        options = value;
        break;
      case 'lock_timeout':
      case 'statement_timeout':
        if (!POSTGRES_DURATION.test(value)) fail(`${name} must be a duration such as 5s, 500ms or 15min, not '${value}'`);
        timeouts.set(name, value);
        break;
      default:
        fail(`unsupported parameter '${name}' (supported: ${SUPPORTED_PARAMETERS.join(', ')})`);
    }
  }

  const settings = new Map<string, string>();
  if (options !== undefined) {
    const parsed = parseLibpqOptions(options);
    if (typeof parsed === 'string') fail(parsed);
    else for (const [name, value] of parsed) settings.set(name, value);
  }
  if (schema !== undefined) {
    if (settings.has('search_path')) fail('give the schema either as schema= or as a search_path in options=, not both');
    settings.set('search_path', quoteSearchPathSchema(schema));
  }

  return { host, port, user, password, database, sslMode, applicationName, connectTimeoutMs, settings, timeouts };
}

/**
 * The URL with every credential replaced by `***`: the password before `@` and the
 * `password=`, `sslpassword=` (and other credential) parameters, as core's `redactUrl`
 * decides for every adapter.
 */
export function redactPostgresUrl(url: string): string {
  return redactUrl(url);
}

/** `search_path` for one schema: double-quoted, so any name (capitals, spaces, commas) is taken literally. */
export function quoteSearchPathSchema(schema: string): string {
  return `"${schema.replaceAll('"', '""')}"`;
}

/**
 * Splits libpq's `options` (`-c a=b -cc=d --e=f`, backslash escaping a space or
 * backslash) into settings, or returns why it cannot.
 */
export function parseLibpqOptions(options: string): Map<string, string> | string {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < options.length; i++) {
    const char = options[i]!;
    if (char === '\\' && i + 1 < options.length) {
      word += options[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);

  const settings = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const current = words[i]!;
    let assignment: string | undefined;
    if (current === '-c') assignment = words[++i];
    else if (current.startsWith('--')) assignment = current.slice(2);
    else if (current.startsWith('-c')) assignment = current.slice(2);
    const equals = assignment?.indexOf('=') ?? -1;
    if (assignment === undefined || equals <= 0) {
      return `options must be a list of -c name=value settings, not '${options}'`;
    }
    settings.set(assignment.slice(0, equals).replaceAll('-', '_'), assignment.slice(equals + 1));
  }
  return settings;
}

/** Renders settings as libpq's `options`, escaping what its splitter would read as a separator. */
export function formatLibpqOptions(settings: ReadonlyMap<string, string>): string | undefined {
  if (settings.size === 0) return undefined;
  const escape = (text: string): string => text.replace(/[\\\s]/g, (char) => `\\${char}`);
  return [...settings].map(([name, value]) => `-c ${escape(name)}=${escape(value)}`).join(' ');
}

function parsePort(text: string, fail: (reason: string) => never): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) fail(`the port must be a number from 1 to 65535, not '${text}'`);
  return port;
}

/**
 * The URL with another database: `?dbname=` replaced when the URL sets it (libpq lets it
 * win over the path), else the path. Everything else (credentials, host, parameters)
 * stays as written.
 *
 * ### Examples
 * ```ts
 * withDatabase('postgresql://app:pw@db:5432/cloudguard?sslmode=require', 'scratch')
 * // 'postgresql://app:pw@db:5432/scratch?sslmode=require'
 * ```
 * @throws {InvalidUrlError} for a URL {@link parsePostgresUrl} refuses.
 */
export function withDatabase(url: string, database: string): string {
  parsePostgresUrl(url);
  const [, head = '', path = '', query = ''] = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/s.exec(url) ?? [];
  const encoded = encodeURIComponent(database);
  if (/(^\?|&)dbname=/.test(query)) return `${head}${path}${query.replace(/((?:^\?|&)dbname=)[^&]*/, `$1${encoded}`)}`;
  return `${head}/${encoded}${query}`;
}

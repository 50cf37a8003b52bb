import path from 'node:path';

import { InvalidUrlError } from '../errors.js';

/**
 * The dialect part of a database URL: `postgresql+psycopg2://…` → `postgresql`, as
 * SQLAlchemy's `dialect+driver` form, so Alembic users' URLs keep working.
 *
 * @throws {InvalidUrlError} when the URL has no `scheme:` prefix.
 */
export function urlScheme(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (!match?.[1]) throw new InvalidUrlError(redactUrl(url), 'it does not start with a scheme such as sqlite:// or postgresql://');
  return match[1].split('+')[0]!.toLowerCase();
}

/** What replaces a credential in anything shown. */
const MASK = '***';

/**
 * Parameter names that carry a credential, once lower-cased and stripped of `_`, `-`
 * and `.` (so `api_key`, `apiKey` and `X-Amz-Security-Token` all match):
 *
 * - libpq's `password` and `sslpassword` (the passphrase of the `sslkey` file), which
 *   pg, node-postgres's `pg-connection-string`, MikroORM and SQLAlchemy's psycopg
 *   dialects pass on; ODBC's `pwd` (SQLAlchemy's `mssql+pyodbc`), MySQL's `pass`;
 * - any name ending in `password`, `passwd`, `passphrase`, `pwd`, `secret`, `token`,
 *   `apikey`, `accesskey`, `accountkey`, `privatekey`, `signature` or `credential(s)`:
 *   `client_secret`, `access_token`, `authToken` (libSQL), `api_key` (Prisma
 *   Accelerate), `X-Amz-Security-Token`, `X-Amz-Signature` (IAM-signed URLs);
 * - `key`, `sig` (an Azure SAS) and `auth`, alone.
 *
 * `sslkey`, `sslcert`, `sslrootcert` and `passfile` name files: the secret is in the
 * file, which cgmigrate never prints, so the path stays visible for troubleshooting.
 */
const SECRET_NAME =
  /^(?:pass|pwd|key|sig|auth)$|(?:password|passwd|passphrase|pwd|secret|token|apikey|accesskey|accountkey|privatekey|signature|credentials?)$/;

/**
 * Whether a URL query parameter or libpq keyword carries a credential (see the list
 * above); `name` may be percent-encoded, as a URL spells it.
 *
 * ### Examples
 * ```ts
 * isSecretParameter('sslpassword') // true
 * isSecretParameter('access_token') // true
 * isSecretParameter('sslmode') // false
 * ```
 */
export function isSecretParameter(name: string): boolean {
  return SECRET_NAME.test(decodeLeniently(name).toLowerCase().replace(/[-_.]/g, ''));
}

/** `scheme:` at the start, as every URL cgmigrate takes begins. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * A URL's parts, split as WHATWG URLs and libpq split them: the authority ends at the
 * first `/`, `?` or `#`, and the user information at the authority's last `@`, so a
 * password holding a raw `@` is hidden whole.
 */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#.*)?$/s;

/** `keyword=value` in a libpq connection string: a value single-quoted (`\'`, `\\` escaped) or up to the next space. */
const CONNINFO_PAIR = /(^|\s)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)('(?:[^'\\]|\\.)*'?|(?:[^\s\\]|\\.)*)/gs;

/** Where a credential sits in a URL or connection string: its text as written, and decoded. */
interface Credential {
  /** The characters of the URL that spell it. */
  readonly raw: string;
  /** What the driver receives. */
  readonly decoded: string;
}

/**
 * The text with the password of its user information (`user:password@`) and the value of
 * every credential query parameter ({@link isSecretParameter}: `password=`, `sslpassword=`,
 * `token=`, …) replaced by `***`. A libpq connection string (`host=db password=s3cret`)
 * has its credential keywords masked the same way. The rest (scheme, user, host, database,
 * other parameters) is kept, so the text still says where cgmigrate connects.
 *
 * ### Examples
 * ```ts
 * redactUrl('postgresql://app:s3cret@db/cloudguard') // 'postgresql://app:***@db/cloudguard'
 * redactUrl('postgresql://app@db/cg?sslmode=require&password=s3cret') // 'postgresql://app@db/cg?sslmode=require&password=***'
 * redactUrl("host=db user=app password='s3 cret'") // 'host=db user=app password=***'
 * ```
 */
export function redactUrl(url: string): string {
  const unencoded = unencodedPassword(url);
  if (unencoded !== undefined) return `${url.slice(0, unencoded.start)}${MASK}${url.slice(unencoded.end)}`;
  const parts = URL_PARTS.exec(url);
  if (!parts) return SCHEME.test(url) ? url : redactConninfo(url);
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] = parts;
  return `${scheme}${redactAuthority(authority)}${redactParameters(path + query)}${fragment}`;
}

/**
 * Every credential a URL or libpq connection string carries, in each spelling it may
 * take in a message: as written, percent-decoded, and re-encoded as
 * `encodeURIComponent`, WHATWG URLs (user information and form-encoded query) and JSON
 * write it, with upper- and lower-case hex escapes. Longest first, so a replacement
 * never leaves the tail of a longer spelling behind.
 *
 * ### Examples
 * ```ts
 * urlSecrets('postgresql://app@db/cg?password=s3cr%40t') // ['s3cr%40t', 's3cr@t']
 * ```
 */
export function urlSecrets(url: string): string[] {
  const spellings = new Set<string>();
  for (const credential of credentialsOf(url)) {
    for (const spelling of spellingsOf(credential)) if (spelling.length > 0) spellings.add(spelling);
  }
  return [...spellings].sort((a, b) => b.length - a.length);
}

/**
 * Replaces, anywhere in `text`, the credentials carried by `urls` ({@link urlSecrets},
 * in every spelling) with `***`, and masks the credentials of any other URL written in
 * the text ({@link redactUrl}). For messages that may echo a connection string or its
 * parts (driver errors often do), and for everything the CLI prints.
 *
 * ### Examples
 * ```ts
 * redactSecrets('connect failed for app:s3cret@db', ['postgresql://app:s3cret@db/x']) // 'connect failed for app:***@db'
 * redactSecrets('see mysql://root:hunter2@db/app', []) // 'see mysql://root:***@db/app'
 * ```
 */
export function redactSecrets(text: string, urls: readonly string[]): string {
  let result = text;
  for (const url of urls) {
    const { redacted, secrets } = knownUrl(url);
    result = result.split(url).join(redacted);
    for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(MASK);
  }
  // Without a `://` no URL can be written in the text: no scan of a long output (a history of 10,000 revisions).
  return result.includes('://') ? result.replace(URL_IN_TEXT, (found) => redactUrl(found)) : result;
}

/** What {@link redactSecrets} needs of a URL, kept for the few URLs a process knows: it runs on every line printed. */
const knownUrls = new Map<string, { readonly redacted: string; readonly secrets: readonly string[] }>();
const KNOWN_URLS_KEPT = 16;

function knownUrl(url: string): { readonly redacted: string; readonly secrets: readonly string[] } {
  let known = knownUrls.get(url);
  if (known === undefined) {
    known = { redacted: redactUrl(url), secrets: urlSecrets(url) };
    if (knownUrls.size >= KNOWN_URLS_KEPT) knownUrls.delete(knownUrls.keys().next().value!);
    knownUrls.set(url, known);
  }
  return known;
}

/** A URL written inside a longer text: from its scheme to the next space or quote. */
const URL_IN_TEXT = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"`<>]+/g;

function redactAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  if (at === -1) return authority;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return colon === -1 ? authority : `${userinfo.slice(0, colon)}:${MASK}${authority.slice(at)}`;
}

/** A parameter in a URL's path or query. */
interface Parameter {
  /** Where its value starts and ends in the text. */
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

/** `?name=` or `&name=`, and JDBC's `;name=` in the path. */
const PARAMETER_NAME = /[?&;]([^=&;#?]*)=/g;

/**
 * The parameters of a URL's path and query. A value runs to the next `&` or `#`; one
 * that is not a credential also ends at a `;` (a JDBC URL's separator), while a
 * credential's value does not, since a `;` may be part of a password: the mask then
 * covers what follows it too.
 */
function parametersOf(pathAndQuery: string): Parameter[] {
  const parameters: Parameter[] = [];
  PARAMETER_NAME.lastIndex = 0;
  for (let match = PARAMETER_NAME.exec(pathAndQuery); match; match = PARAMETER_NAME.exec(pathAndQuery)) {
    const name = match[1] ?? '';
    const start = match.index + match[0].length;
    const stop = isSecretParameter(name) ? /[&#]/g : /[&#;]/g;
    stop.lastIndex = start;
    const end = stop.exec(pathAndQuery)?.index ?? pathAndQuery.length;
    parameters.push({ start, end, name });
    PARAMETER_NAME.lastIndex = end;
  }
  return parameters;
}

function redactParameters(pathAndQuery: string): string {
  let result = '';
  let copied = 0;
  for (const { start, end, name } of parametersOf(pathAndQuery)) {
    if (!isSecretParameter(name)) continue;
    result += `${pathAndQuery.slice(copied, start)}${MASK}`;
    copied = end;
  }
  return result + pathAndQuery.slice(copied);
}

function redactConninfo(text: string): string {
  return text.replace(CONNINFO_PAIR, (whole, space: string, name: string, equals: string, value: string) =>
    isSecretParameter(name) && value !== '' ? `${space}${name}${equals}${MASK}` : whole,
  );
}

/**
 * Where a password written without percent-encoding sits, when it holds a `/`, `?` or `#`
 * (`postgresql://app:pa#ss@db/cg`): a strict parse ends the authority at that character
 * and finds no user information, so the password would show. Found as the text from the
 * first `:` after `scheme://` to the last `@` before any space, when the authority a strict
 * parse sees has no `@`, unless the `:` starts a port followed by a path and the `@` is in
 * the query or fragment. Masking from there may hide more than the password (never less).
 */
function unencodedPassword(url: string): { readonly start: number; readonly end: number } | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (!scheme) return undefined;
  const afterScheme = scheme[0].length;
  const authorityEnd = url.slice(afterScheme).search(/[/?#]/);
  if (authorityEnd === -1 || url.slice(afterScheme, afterScheme + authorityEnd).includes('@')) return undefined;
  const space = url.slice(afterScheme).search(/\s/);
  const rest = space === -1 ? url.slice(afterScheme) : url.slice(afterScheme, afterScheme + space);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at === -1 || colon === -1 || colon > at || colon > authorityEnd) return undefined;
  // `host:5432/db?x=a@b`: a port, a path, and an `@` only in the query or fragment.
  const queryStart = rest.search(/[?#]/);
  if (/^\d+\//.test(rest.slice(colon + 1)) && queryStart !== -1 && queryStart < at) return undefined;
  return { start: afterScheme + colon + 1, end: afterScheme + at };
}

function credentialsOf(url: string): Credential[] {
  const unencoded = unencodedPassword(url);
  if (unencoded !== undefined) {
    const raw = url.slice(unencoded.start, unencoded.end);
    return [{ raw, decoded: decodeLeniently(raw) }];
  }
  const parts = URL_PARTS.exec(url);
  if (!parts) return SCHEME.test(url) ? [] : conninfoCredentials(url);
  const [, , authority = '', path = '', query = ''] = parts;
  const credentials: Credential[] = [];
  const at = authority.lastIndexOf('@');
  const colon = at === -1 ? -1 : authority.indexOf(':');
  if (colon !== -1 && colon < at) {
    const raw = authority.slice(colon + 1, at);
    credentials.push({ raw, decoded: decodeLeniently(raw) });
  }
  const pathAndQuery = path + query;
  for (const { start, end, name } of parametersOf(pathAndQuery)) {
    if (!isSecretParameter(name)) continue;
    const raw = pathAndQuery.slice(start, end);
    // A query value may be form-encoded (`+` for a space), as URLSearchParams writes it.
    credentials.push({ raw, decoded: decodeLeniently(raw) }, { raw, decoded: decodeLeniently(raw.replaceAll('+', ' ')) });
  }
  return credentials;
}

function conninfoCredentials(text: string): Credential[] {
  const credentials: Credential[] = [];
  for (const [, , name = '', , value = ''] of text.matchAll(CONNINFO_PAIR)) {
    if (!isSecretParameter(name) || value === '') continue;
    const quoted = value.startsWith("'");
    const raw = quoted ? value.slice(1, value.endsWith("'") && value.length > 1 ? -1 : undefined) : value;
    credentials.push({ raw, decoded: raw.replace(/\\(.)/gs, '$1') });
  }
  return credentials;
}

function spellingsOf({ raw, decoded }: Credential): string[] {
  const encoded = [
    raw,
    encodeURIComponent(decoded),
    userinfoEncoding(decoded),
    new URLSearchParams([['', decoded]]).toString().slice(1),
    minimalUserinfoEncoding(decoded),
  ];
  const withBothCases = encoded.flatMap((spelling) => [
    spelling,
    spelling.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase()),
    spelling.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toLowerCase()),
  ]);
  return [...withBothCases, decoded, JSON.stringify(decoded).slice(1, -1)];
}

/** The password as a WHATWG URL writes it in `user:password@` (Node's `URL`, pg's parser). */
function userinfoEncoding(decoded: string): string {
  const url = new URL('postgresql://host');
  url.password = decoded;
  return url.password;
}

/**
 * The password encoded only where RFC 3986 requires it in `user:password@` (`:` and the
 * sub-delimiters kept), as people encode one by hand.
 */
function minimalUserinfoEncoding(decoded: string): string {
  return encodeURIComponent(decoded).replace(/%(3A|21|24|26|27|28|29|2A|2B|2C|3B|3D)/g, (_escape, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

function decodeLeniently(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // a malformed escape: the text as written is what the driver sees
    return text;
  }
}

/** Ports servers listen on when a URL names none. */
const DEFAULT_PORTS: Readonly<Record<string, string>> = { postgresql: '5432', postgres: '5432', mysql: '3306', mariadb: '3306' };
/** Host names that reach this machine's own server. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Whether two database URLs name the same database, as far as their text tells: for
 * SQLite the same file once resolved against `cwd`; for a server the same scheme
 * family, host (the loopback names count as one), port (a scheme's default when absent),
 * database (`?dbname=` wins over the path, as in libpq) and `?host=`/`?port=`. Leans to
 * "same": what it cannot parse is the same as anything equal to it. Credentials and
 * other parameters are ignored (the same database reached as another user is the same
 * database).
 *
 * ### Examples
 * ```ts
 * sameDatabaseUrl('postgresql://app:pw@localhost/cg', 'postgresql://127.0.0.1:5432/cg', '/srv') // true
 * sameDatabaseUrl('sqlite:///app.db', 'sqlite:////srv/app.db', '/srv')                    // true
 * sameDatabaseUrl('postgresql://db/cg', 'postgresql://db/cg_shadow', '/srv')              // false
 * ```
 */
export function sameDatabaseUrl(a: string, b: string, cwd: string): boolean {
  const first = databaseIdentity(a, cwd);
  const second = databaseIdentity(b, cwd);
  return first === undefined || second === undefined ? a === b : first === second;
}

function databaseIdentity(url: string, cwd: string): string | undefined {
  let scheme: string;
  try {
    scheme = urlScheme(url);
  } catch {
    return undefined;
  }
  if (scheme === 'sqlite') {
    const rest = url.slice(url.indexOf(':') + 1);
    if (!rest.startsWith('//')) return undefined;
    const file = decodeLeniently(rest.slice(3));
    // Two in-memory databases are never the same one.
    if (rest.length <= 2 || file === ':memory:') return `sqlite memory ${Math.random()}`;
    return `sqlite ${path.resolve(cwd, file)}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const query = parsed.searchParams;
  const host = (query.get('host') ?? decodeLeniently(parsed.hostname)).toLowerCase();
  const port = query.get('port') ?? (parsed.port || DEFAULT_PORTS[scheme] || '');
  const database = query.get('dbname') ?? decodeLeniently(parsed.pathname.replace(/^\//, ''));
  const family = scheme === 'postgres' ? 'postgresql' : scheme === 'mariadb' ? 'mysql' : scheme;
  return `${family} ${LOOPBACK.has(host) ? 'loopback' : host}:${port}/${database}`;
}

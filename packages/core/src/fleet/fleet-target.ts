import path from 'node:path';

import { redactSecrets, redactUrl, urlScheme } from '../adapter/database-url.js';

/**
 * One database (or one schema of a database) of a fleet: what a single `cgmigrate
 * --url` run would migrate, with a stable name for reports.
 */
export interface FleetTarget {
  /**
   * How reports, `--only-failed` and `--shard` know the target: given by the source, or
   * derived from the URL (see {@link defaultTargetName}). Unique within a fleet; never
   * holds a credential.
   */
  readonly name: string;
  /** The database URL (it may carry a password: show it only through `redactUrl`). */
  readonly url: string;
  /** The schema the target's migrations, version table and audit table live in; `undefined`: the connection's default. */
  readonly schema?: string | undefined;
}

/** A target as a source may spell it: a URL (`<url>#<schema>` for a schema), or an object. */
export type FleetTargetSpec = string | { readonly url: string; readonly schema?: string | undefined; readonly name?: string | undefined };

/** `scheme://authority/path?query#fragment`, split as {@link redactUrl} splits it. */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(?:#(.*))?$/s;

/**
 * Splits `<database URL>#<schema>` into the URL and the schema. A URL without `#` has
 * no schema. The schema is percent-decoded (`#Acme%20Corp`), as the rest of a URL is.
 * The first `#` after `//` starts the schema, as a URL's fragment starts there: a `#` in
 * a password must be written `%23`, as in any URL (unescaped, the target names a schema
 * that does not exist, and fails with `TARGET_SCHEMA_NOT_FOUND`).
 *
 * ### Examples
 * ```ts
 * splitSchema('postgresql://db/app#tenant_042') // { url: 'postgresql://db/app', schema: 'tenant_042' }
 * splitSchema('sqlite:///tenants/acme.db')      // { url: 'sqlite:///tenants/acme.db', schema: undefined }
 * ```
 */
export function splitSchema(spec: string): { url: string; schema: string | undefined } {
  const hash = spec.indexOf('#', spec.indexOf('//') + 2);
  if (hash < 0) return { url: spec, schema: undefined };
  const fragment = spec.slice(hash + 1);
  let schema: string;
  try {
    schema = decodeURIComponent(fragment);
  } catch {
    schema = fragment;
  }
  return { url: spec.slice(0, hash), schema };
}

/**
 * The name a target gets when its source gives none: for a server, `host:port/database`
 * (no user, password or parameters); for a file database, its path (relative to `cwd`
 * when inside it); then `#schema` for a schema target.
 *
 * ### Examples
 * ```ts
 * defaultTargetName('postgresql://app:pw@db:5432/cg', 'tenant_7', '/srv') // 'db:5432/cg#tenant_7'
 * defaultTargetName('sqlite:////srv/tenants/acme.db', undefined, '/srv')  // 'tenants/acme.db'
 * ```
 */
export function defaultTargetName(url: string, schema: string | undefined, cwd: string): string {
  const suffix = schema === undefined ? '' : `#${schema}`;
  // Split the masked URL: a password written unencoded (`app:pa/ss@db`) would otherwise end the
  // authority early and land in the name; masking also covers credentials in path parameters.
  const parts = URL_PARTS.exec(redactUrl(url));
  if (!parts) return redactUrl(url) + suffix;
  const [, , authority = '', rest = ''] = parts;
  const host = authority.slice(2).replace(/^.*@/, '');
  if (host !== '') return `${host}${rest}${suffix}`;
  // A file database: sqlite:///relative.db, sqlite:////absolute.db (SQLAlchemy's spelling).
  const file = decodeSafely(rest.slice(1));
  if (file === '' || file === ':memory:') return redactUrl(url) + suffix;
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  return (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute) + suffix;
}

/**
 * The server a target lives on, for the per-host limit: `scheme://host:port` of a
 * server URL, `local` for a file database.
 */
export function targetHost(target: FleetTarget): string {
  const parts = URL_PARTS.exec(target.url);
  const host = parts?.[2]?.slice(2).replace(/^.*@/, '') ?? '';
  if (host === '') return 'local';
  let scheme = '';
  try {
    scheme = urlScheme(target.url);
  } catch {
    // An unparseable URL fails when the target is connected to; any key groups it here.
  }
  return `${scheme}://${host}`;
}

/**
 * A target from its spelling in a source.
 *
 * ### Examples
 * ```ts
 * toTarget('postgresql://db/app#acme', '/srv') // { name: 'db/app#acme', url: 'postgresql://db/app', schema: 'acme' }
 * ```
 */
export function toTarget(spec: FleetTargetSpec, cwd: string): FleetTarget {
  if (typeof spec === 'string') {
    const { url, schema } = splitSchema(spec.trim());
    return { name: defaultTargetName(url, schema, cwd), url, ...(schema === undefined ? {} : { schema }) };
  }
  const schema = spec.schema ?? splitSchema(spec.url).schema;
  const url = splitSchema(spec.url).url;
  return { name: spec.name ?? defaultTargetName(url, schema, cwd), url, ...(schema === undefined ? {} : { schema }) };
}

/**
 * A target as reports and messages show it: its URL with every spelling of its
 * credentials masked (see `redactSecrets`), `#schema` appended.
 */
export function describeTarget(target: Pick<FleetTarget, 'url' | 'schema'>): string {
  return redactSecrets(`${target.url}${target.schema === undefined ? '' : `#${target.schema}`}`, [target.url]);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

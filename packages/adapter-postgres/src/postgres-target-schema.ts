import { InvalidUrlError, redactUrl } from '@cloudguard/migrate-core/adapter';

import { quoteSearchPathSchema, type PostgresLocation } from './postgres-url.js';

/**
 * The schema every session of a connection starts in (its `search_path`): the target's
 * (`ConnectOptions.schema`, a fleet target `<url>#<schema>`) over the adapter's `schema`
 * option; without a target schema, the adapter's option, which the URL's `?schema=` or
 * `search_path` then overrides (see `pgClientConfig`).
 *
 * A URL that names a schema too must name the same one: the target's schema is where
 * core puts the version table and takes the lock, so running the migrations anywhere
 * else would record them against the wrong tenant.
 *
 * ### Examples
 * ```ts
 * sessionSchema(parsePostgresUrl('postgresql://db/app'), 'postgresql://db/app', 'tenant_a', 'public') // 'tenant_a'
 * sessionSchema(parsePostgresUrl('postgresql://db/app?schema=tenant_a'), '…', 'tenant_a', undefined) // 'tenant_a'
 * sessionSchema(parsePostgresUrl('postgresql://db/app?schema=a'), '…', 'b', undefined) // throws InvalidUrlError
 * ```
 *
 * @throws {InvalidUrlError} when the URL's `?schema=` or `search_path` (in `?options=`)
 *   is not exactly the target's schema; the URL is shown with its password replaced by `***`.
 */
export function sessionSchema(
  location: PostgresLocation,
  url: string,
  targetSchema: string | undefined,
  adapterSchema: string | undefined,
): string | undefined {
  if (targetSchema === undefined) return adapterSchema;
  const urlSearchPath = location.settings.get('search_path');
  if (urlSearchPath !== undefined) {
    const schemas = searchPathSchemas(urlSearchPath);
    if (schemas?.length !== 1 || schemas[0] !== targetSchema) {
      throw new InvalidUrlError(
        redactUrl(url),
        `the URL sets search_path to ${urlSearchPath} (with schema= or options=), but the target's schema is ` +
          `${quoteSearchPathSchema(targetSchema)}; a schema given in both must be the same`,
      );
    }
  }
  return targetSchema;
}

/**
 * The schema names of a `search_path` value as PostgreSQL reads it: comma-separated,
 * blanks around names ignored, a double-quoted name taken literally (`""` is one quote),
 * an unquoted one folded to lower case; `undefined` when PostgreSQL would refuse it.
 *
 * ### Examples
 * ```ts
 * searchPathSchemas('App, "Tenant ""A"""') // ['app', 'Tenant "A"']
 * ```
 */
export function searchPathSchemas(value: string): string[] | undefined {
  const names: string[] = [];
  let rest = value;
  for (;;) {
    rest = rest.trimStart();
    let name: string;
    if (rest.startsWith('"')) {
      const match = /^"((?:[^"]|"")*)"/.exec(rest);
      if (match === null || match[1] === '') return undefined;
      name = match[1]!.replaceAll('""', '"');
      rest = rest.slice(match[0].length);
    } else {
      const match = /^[^,\s"]+/.exec(rest);
      if (match === null) return undefined;
      name = match[0].toLowerCase();
      rest = rest.slice(match[0].length);
    }
    names.push(name);
    rest = rest.trimStart();
    if (rest === '') return names;
    if (!rest.startsWith(',')) return undefined;
    rest = rest.slice(1);
  }
}

/** One row when the schema `$1` exists in the connected database, none otherwise. */
export const SCHEMA_EXISTS_QUERY = 'SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1';

/**
 * The schemas of the connected database that can hold user objects, by name in byte
 * order: every schema but PostgreSQL's own (`pg_catalog`, `pg_toast`, the `pg_temp_*`
 * of other sessions) and `information_schema`.
 */
export const LIST_SCHEMAS_QUERY =
  `SELECT nspname AS name FROM pg_catalog.pg_namespace ` +
  `WHERE left(nspname, 3) <> 'pg_' AND nspname <> 'information_schema' ORDER BY nspname COLLATE "C"`;

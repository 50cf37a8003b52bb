import type { ClientConfig } from 'pg';

import { KEEPALIVE_INITIAL_DELAY_MS } from './postgres-session-guard.js';
import { formatLibpqOptions, quoteSearchPathSchema, type PostgresLocation, type SslMode } from './postgres-url.js';

/** The `application_name` sessions report in `pg_stat_activity` unless the URL sets one. */
export const DEFAULT_APPLICATION_NAME = 'cgmigrate';

/**
 * pg's `ssl` option for a libpq `sslmode`. pg cannot fall back from one to the other,
 * so `allow` and `prefer` (libpq's default, which encrypts only when the server offers
 * it) connect unencrypted; `require` encrypts without checking the certificate, as in
 * libpq; `verify-ca` checks the chain but not the host name; `verify-full` checks both.
 * Without a mode, pg reads `PGSSLMODE` itself.
 */
export function pgSsl(mode: SslMode | undefined): ClientConfig['ssl'] {
  switch (mode) {
    case undefined:
      return undefined;
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

/**
 * pg's client configuration for a parsed URL. The session's startup `options` are
 * `defaults`, then the URL's settings, then `overrides` (a later one wins for the same
 * name); `schema` becomes `search_path` unless the URL sets one. TCP keepalives are on
 * (see {@link KEEPALIVE_INITIAL_DELAY_MS}).
 */
export function pgClientConfig(
  location: PostgresLocation,
  schema: string | undefined,
  defaults: ReadonlyMap<string, string> = new Map(),
  overrides: ReadonlyMap<string, string> = new Map(),
): ClientConfig {
  const settings = new Map(defaults);
  if (schema !== undefined && !location.settings.has('search_path')) settings.set('search_path', quoteSearchPathSchema(schema));
  for (const [name, value] of location.settings) settings.set(name, value);
  for (const [name, value] of overrides) settings.set(name, value);
  return {
    host: location.host,
    port: location.port,
    user: location.user,
    password: location.password,
    database: location.database,
    ssl: pgSsl(location.sslMode),
    options: formatLibpqOptions(settings),
    application_name: location.applicationName ?? DEFAULT_APPLICATION_NAME,
    connectionTimeoutMillis: location.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
  };
}

/** Where a connection goes, for messages: never the password. */
export function describeTarget(location: PostgresLocation): string {
  const host = location.host ?? 'the default host';
  const port = location.port === undefined ? '' : `:${location.port}`;
  const database = location.database ?? 'the default database';
  const user = location.user === undefined ? '' : ` as ${location.user}`;
  return `PostgreSQL database ${database} on ${host}${port}${user}`;
}


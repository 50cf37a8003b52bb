import { ConfigInvalidError } from '@cloudguard/migrate-core/adapter';

import { POSTGRES_DURATION } from './postgres-url.js';

/** A PostgreSQL duration: milliseconds, or a string with a unit (`'500ms'`, `'5s'`, `'1min'`). `0` means no limit. */
export type PostgresDuration = number | `${number}${'' | 'us' | 'ms' | 's' | 'min' | 'h' | 'd'}`;

/** Options of `postgresAdapter`. */
export interface PostgresAdapterOptions {
  /**
   * How long a statement waits for a table lock before failing with PostgreSQL's
   * `lock_not_available` (55P03), set with `SET LOCAL lock_timeout` at the start of
   * every transaction. A migration's `ALTER TABLE` then fails fast instead of queuing
   * behind a long query, and holding up every query queued behind it. Default: the
   * server's (usually no limit). A URL's `?lock_timeout=` wins over it, so that a
   * deploy can set it in `DATABASE_URL`. A transaction that fails on it is retried by
   * core (its `lockRetry` policy: 3 attempts, 500 ms then 1 s, by default).
   */
  readonly lockTimeout?: PostgresDuration | undefined;
  /** Longest a statement may run (`SET LOCAL statement_timeout`). Default: the server's. A URL's `?statement_timeout=` wins over it. */
  readonly statementTimeout?: PostgresDuration | undefined;
  /**
   * The schema migrations run in: every session's `search_path` is set to it. A URL's
   * `?schema=` or `?options=-csearch_path%3D…` wins over this, and so does a fleet
   * target's schema (`<url>#<schema>`). The version table's own schema is core's
   * `versionTableSchema`.
   */
  readonly schema?: string | undefined;
}

/** {@link PostgresAdapterOptions} checked, with durations as PostgreSQL literals. */
export interface ResolvedPostgresOptions {
  /** `lock_timeout` and `statement_timeout`, in that order, for those that are set. */
  readonly timeouts: ReadonlyMap<string, string>;
  /** The `search_path` schema sessions start with unless the URL sets one (at `connect`: the target's, when it has one). */
  readonly schema: string | undefined;
}

/** Checks the factory's options; durations become PostgreSQL literals. */
export function resolveOptions(options: PostgresAdapterOptions): ResolvedPostgresOptions {
  const timeouts = new Map<string, string>();
  const lockTimeout = toDuration('lockTimeout', options.lockTimeout);
  const statementTimeout = toDuration('statementTimeout', options.statementTimeout);
  if (lockTimeout !== undefined) timeouts.set('lock_timeout', lockTimeout);
  if (statementTimeout !== undefined) timeouts.set('statement_timeout', statementTimeout);
  if (options.schema === '') throw new ConfigInvalidError(undefined, 'postgresAdapter: schema must not be empty');
  return { timeouts, schema: options.schema };
}

/** Checked here because the value ends up inside a `SET` statement. */
function toDuration(option: string, value: PostgresDuration | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return `${value}ms`;
  } else if (POSTGRES_DURATION.test(value)) {
    return value;
  }
  throw new ConfigInvalidError(
    undefined,
    `postgresAdapter: ${option} must be a whole number of milliseconds or a duration such as '5s' or '500ms', not ${JSON.stringify(value)}`,
  );
}

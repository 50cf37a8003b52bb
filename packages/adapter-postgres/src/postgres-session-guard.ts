/**
 * Session settings that keep the server from ending a migration's session while the run
 * is alive. The migration lock lives on that session (see `PostgresSessionLock`), so a
 * session ended by a timeout would lose the lock (which the runner then notices and
 * stops on, but the deploy fails for nothing):
 *
 * - `idle_session_timeout` (PostgreSQL 14+; managed services often set it): the session
 *   is idle between transactions, for instance while a `transactional: false` migration
 *   waits on something else, or while the next migration is imported;
 * - `idle_in_transaction_session_timeout`: the run's transaction is idle while the next
 *   migration is imported (migrations import one ahead of the one that runs).
 *
 * And `client_connection_check_interval` (PostgreSQL 14+) makes the server check, this
 * often while a statement runs, that the client is still there, and cancel the statement
 * when it is not. Without it, a migration whose process was killed (`SIGKILL`) during a
 * long statement keeps running on the server, holding its table locks (and blocking the
 * application) until that statement ends.
 */
const SESSION_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['idle_session_timeout', '0'],
  ['idle_in_transaction_session_timeout', '0'],
  ['client_connection_check_interval', '1s'],
]);

/**
 * The one statement that applies {@link SESSION_SETTINGS} to a session, leaving out those
 * the URL sets itself (`?options=-c…`: the user's choice wins) and, through
 * `pg_settings`, those an older server does not know (a plain `SET` of an unknown
 * setting would fail); `undefined` when nothing is left to set.
 *
 * ### Examples
 * ```ts
 * sessionGuardStatement(new Map()) // "SELECT set_config(…) FROM (VALUES ('idle_session_timeout', '0'), …) …"
 * ```
 */
export function sessionGuardStatement(urlSettings: ReadonlyMap<string, string>): string | undefined {
  const wanted = [...SESSION_SETTINGS].filter(([name]) => !urlSettings.has(name));
  if (wanted.length === 0) return undefined;
  const values = wanted.map(([name, value]) => `('${name}', '${value}')`).join(', ');
  return (
    `SELECT set_config(wanted.name, wanted.value, false) FROM (VALUES ${values}) AS wanted (name, value) ` +
    `WHERE wanted.name IN (SELECT name FROM pg_settings)`
  );
}

/**
 * TCP keepalives on every connection (pg's `keepAlive`), probing after this long without
 * traffic: a firewall or NAT that drops idle connections would otherwise cut a session
 * that waits (and with it the migration lock), and a server that vanished would only be
 * noticed at the next statement.
 */
export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

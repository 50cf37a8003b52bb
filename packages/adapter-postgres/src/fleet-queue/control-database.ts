import { hasErrorCode, redactedDatabaseError, type DatabaseError } from '@cloudguard/migrate-core/adapter';
import pg, { type Client, type ClientConfig, type Pool, type QueryResult } from 'pg';

import { describeTarget, pgClientConfig } from '../postgres-connection-config.js';
import { parsePostgresUrl, type PostgresLocation } from '../postgres-url.js';

/** What runs a statement on the control database: its pool, or one client of it. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** The `application_name` of the queue's sessions (unless the URL sets one), so that `pg_stat_activity` tells them apart. */
const APPLICATION_NAME = 'cgmigrate-fleet';

/**
 * The control database: the PostgreSQL database whose `graphile_worker` schema is the
 * fleet's queue and whose `cgmigrate_fleet` schema holds the results. Its URL is parsed
 * as every PostgreSQL URL of cgmigrate is (`sslmode`, `options`, Unix sockets), and
 * every error about it is a `DatabaseError` whose message never holds its password.
 */
export class ControlDatabase {
  /** As given, password included: only ever handed to the redaction of errors. */
  readonly #url: string;
  readonly #location: PostgresLocation;
  readonly #config: ClientConfig;

  /** @throws {InvalidUrlError} when the URL is not a PostgreSQL URL. */
  constructor(url: string) {
    this.#url = url;
    this.#location = parsePostgresUrl(url);
    const config = pgClientConfig(this.#location, undefined);
    this.#config = { ...config, application_name: this.#location.applicationName ?? APPLICATION_NAME };
  }

  /** The database as messages name it: never the password. */
  describe(): string {
    return describeTarget(this.#location);
  }

  /**
   * A pool of up to `max` sessions, its first session opened to fail early. An idle
   * session the server drops makes pg emit `'error'`; the listeners keep that from
   * ending the process (the next query on the pool opens a new session).
   *
   * @throws {DatabaseError} when the database cannot be reached.
   */
  async openPool(max: number): Promise<Pool> {
    const pool = new pg.Pool({ ...this.#config, max });
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    try {
      const client = await pool.connect();
      client.release();
      return pool;
    } catch (error) {
      await pool.end().catch(() => {});
      throw this.error('Connecting to the control database', error);
    }
  }

  /**
   * One session of its own, for what must outlive any pooled session (the worker's
   * liveness lock).
   *
   * @throws {DatabaseError} when the database cannot be reached.
   */
  async openClient(): Promise<Client> {
    const client = new pg.Client(this.#config);
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      throw this.error('Connecting to the control database', error);
    }
  }

  /**
   * Runs `work` on a pool of one session, closed afterwards: for the short reads of
   * `fleet status` and the CLI's summaries.
   *
   * @throws {DatabaseError} when the database cannot be reached or `work` fails on it.
   */
  async use<T>(doing: string, work: (db: Queryable) => Promise<T>): Promise<T> {
    const pool = await this.openPool(1);
    try {
      return await work(pool);
    } catch (error) {
      throw this.error(doing, error);
    } finally {
      await pool.end().catch(() => {});
    }
  }

  /** `error` as a `DatabaseError` about `doing` on this database, with the password masked (an error that already is one passes through). */
  error(doing: string, error: unknown): DatabaseError {
    if ((error as { code?: unknown } | null)?.code === 'DATABASE_ERROR') return error as DatabaseError;
    return redactedDatabaseError(`${doing} (${this.describe()})`, error, this.#url, this.#location.password);
  }
}

/** SQLSTATEs of a relation or schema that does not exist: the queue or the results table was never installed. */
const MISSING: ReadonlySet<string> = new Set(['42P01', '3F000']);

/** Whether `error` says a table or schema the query names does not exist. */
export function isMissingRelation(error: unknown): boolean {
  return hasErrorCode(error, (code) => MISSING.has(String(code)));
}

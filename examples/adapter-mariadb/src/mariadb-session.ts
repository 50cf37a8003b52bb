import type { Row } from '@cloudguard/migrate-core';
import type { Session } from '@cloudguard/migrate-core/adapter';
import { CompiledQuery, type Kysely } from 'kysely';

import { attachSql } from './mariadb-errors.js';

/** A migration's tables are not known statically: `Kysely<any>`, as Kysely's own migrations take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MariaDbKysely = Kysely<any>;

/** MariaDB's limit on placeholders in one statement. */
export const MAX_PARAMETERS = 65_535;

/**
 * Statements after which MariaDB has committed the transaction by itself (an
 * "implicit commit"): DDL and a few administrative statements. `CREATE TEMPORARY
 * TABLE` and `DROP TEMPORARY TABLE` do not commit.
 */
const IMPLICIT_COMMIT =
  /^\s*(?:(?:create|alter|drop)\s+(?!temporary\b)|rename\s|truncate\s|grant\s|revoke\s|lock\s+tables?\b|unlock\s+tables?\b|analyze\s|optimize\s|repair\s|flush\s|install\s|uninstall\s)/i;

/** Tells whether MariaDB commits the open transaction before (and after) running `sql`. */
export function commitsImplicitly(sql: string): boolean {
  return IMPLICIT_COMMIT.test(sql.replace(/^(?:\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, ''));
}

/**
 * A {@link Session} over MikroORM's Kysely client: `db` is a Kysely transaction (or a
 * Kysely instance pinned to one connection in autocommit mode), `connection` MikroORM's
 * `MariaDbConnection`. MariaDB takes `?` placeholders as they are. Each statement that
 * commits implicitly is remembered in {@link implicitCommits}, so that a failure can
 * say what could not be rolled back.
 */
export class MariaDbSession implements Session {
  readonly db: MariaDbKysely;
  readonly connection: unknown;
  /**
   * Statements sent through this session since the last version-table change (that is,
   * of the migration running now) that made MariaDB commit by itself, in order.
   */
  readonly implicitCommits: string[] = [];
  readonly #onStatement: ((sql: string) => void) | undefined;

  constructor(db: MariaDbKysely, connection: unknown, onStatement: ((sql: string) => void) | undefined) {
    this.db = db;
    this.connection = connection;
    this.#onStatement = onStatement;
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.#run(sql, params);
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.#run(sql, params)) as T[];
  }

  /** Called by the version store when a migration's version change is written: what follows belongs to the next one. */
  migrationRecorded(): void {
    this.implicitCommits.length = 0;
  }

  /** The number of rows a statement changed (`affectedRows`). */
  async change(sql: string, params: readonly unknown[] = []): Promise<number> {
    this.#onStatement?.(sql);
    try {
      const result = await this.db.executeQuery(CompiledQuery.raw(sql, [...params]));
      return Number(result.numAffectedRows ?? 0n);
    } catch (error) {
      throw attachSql(error, sql);
    }
  }

  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = new Set(rows.flatMap((row) => Object.keys(row))).size;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
    for (let start = 0; start < rows.length; start += perStatement) {
      await this.db.insertInto(table).values(rows.slice(start, start + perStatement)).execute();
    }
  }

  async #run(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    this.#onStatement?.(sql);
    if (commitsImplicitly(sql)) this.implicitCommits.push(sql);
    try {
      return (await this.db.executeQuery(CompiledQuery.raw(sql, [...params]))).rows;
    } catch (error) {
      throw attachSql(error, sql);
    }
  }
}

/** `session` as this adapter's session, for stores that need its extras. */
export function asMariaDbSession(session: Session): MariaDbSession {
  if (session instanceof MariaDbSession) return session;
  throw new TypeError('the MariaDB stores need a session of the MariaDB adapter');
}

import { DriverSession, kyselyBulkInsert, type AnyKysely, type StatementRunner } from '@cloudguard/migrate-adapter-kit';
import { attachSql, type QualifiedName, type TableDescription } from '@cloudguard/migrate-core/adapter';
import { CompiledQuery } from 'kysely';

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
 * A session over MikroORM's Kysely client: `db` is a Kysely transaction (or a Kysely
 * instance pinned to one connection in autocommit mode), `connection` MikroORM's
 * `MariaDbConnection`. MariaDB takes `?` placeholders as they are. Each statement that
 * commits implicitly is remembered in {@link implicitCommits}, so that a failure can
 * say what could not be rolled back.
 */
export class MariaDbSession extends DriverSession {
  /**
   * Statements sent through this session since the last version-table change (that is,
   * of the migration running now) that made MariaDB commit by itself, in order.
   */
  readonly implicitCommits: string[];
  readonly #run: (sql: string, params: readonly unknown[]) => Promise<{ rows: unknown[]; changed: number }>;

  constructor(
    db: AnyKysely,
    connection: unknown,
    onStatement: ((sql: string) => void) | undefined,
    inTransaction: boolean,
    describeTable?: (query: StatementRunner['query'], table: QualifiedName) => Promise<TableDescription | undefined>,
  ) {
    const implicitCommits: string[] = [];
    const run = async (sql: string, params: readonly unknown[]) => {
      onStatement?.(sql);
      if (commitsImplicitly(sql)) implicitCommits.push(sql);
      try {
        const result = await db.executeQuery(CompiledQuery.raw(sql, [...params]));
        return { rows: result.rows as unknown[], changed: Number(result.numAffectedRows ?? 0n) };
      } catch (error) {
        // mysql2 records the statement with its parameters filled in; the one sent, with `?`, is what the migration says.
        throw attachSql(error, sql, true);
      }
    };
    const runner: StatementRunner = {
      execute: async (sql, params) => void (await run(sql, params)),
      query: async (sql, params) => (await run(sql, params)).rows,
    };
    super({
      db,
      connection,
      inTransaction,
      runner,
      insertRows: kyselyBulkInsert(db, MAX_PARAMETERS),
      describeTable: describeTable === undefined ? undefined : (table) => describeTable(runner.query, table),
    });
    this.implicitCommits = implicitCommits;
    this.#run = run;
  }

  /** Called by the version store when a migration's version change is written: what follows belongs to the next one. */
  migrationRecorded(): void {
    this.implicitCommits.length = 0;
  }

  /** The number of rows a statement changed (`affectedRows`). */
  async change(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.#run(sql, params)).changed;
  }
}

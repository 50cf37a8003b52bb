import { observedConnection } from '@cloudguard/migrate-adapter-kit';
import type * as Kysely from 'kysely';
import type { DatabaseConnection, Dialect, Driver, PostgresPool } from 'kysely';

/** The `kysely` module, loaded by the caller only when a migration needs it. */
export type KyselyModule = typeof Kysely;

type PostgresDriver = InstanceType<KyselyModule['PostgresDriver']>;

/**
 * Kysely's pg dialect on `pool`, changed so that every statement, including those
 * migrations build with `op.db` and the driver's own `begin`/`commit`, is reported to
 * `onStatement`, and a statement that fails gets its SQL attached to the error (see
 * `observedConnection`).
 *
 * The driver wraps each connection it hands out, so it must unwrap it on release:
 * Kysely's `PostgresDriver.releaseConnection` calls a private symbol of its own
 * connection class.
 */
export function createMigrateDialect(
  kysely: KyselyModule,
  pool: PostgresPool,
  onStatement: ((sql: string) => void) | undefined,
): Dialect {
  const config = { pool };

  class ObservedPostgresDriver extends kysely.PostgresDriver {
    readonly #inner = new WeakMap<DatabaseConnection, DatabaseConnection>();

    override async acquireConnection(options?: Parameters<Driver['acquireConnection']>[0]): Promise<DatabaseConnection> {
      const inner = await super.acquireConnection(options);
      const outer = observedConnection(inner, onStatement);
      this.#inner.set(outer, inner);
      return outer;
    }

    override async releaseConnection(connection: Parameters<PostgresDriver['releaseConnection']>[0]): Promise<void> {
      const inner = this.#inner.get(connection) as typeof connection | undefined;
      await super.releaseConnection(inner ?? connection);
    }
  }

  return new (class extends kysely.PostgresDialect {
    override createDriver(): Driver {
      return new ObservedPostgresDriver(config);
    }
  })(config);
}

import { DatabaseError, type Session } from '@cloudguard/migrate-core/adapter';

import type { AnyKysely } from './driver-session.js';

/** What {@link kyselyTransaction} does around the work, besides `BEGIN` and `COMMIT`. */
export interface TransactionHooks<S extends Session> {
  /** Called first inside the transaction, e.g. for `SET LOCAL` statements. */
  readonly begin?: ((session: S) => Promise<void>) | undefined;
  /** Called after the work succeeded, before `COMMIT`; a throw rolls the transaction back. */
  readonly beforeCommit?: ((session: S) => Promise<void>) | undefined;
  /**
   * Turns the work's error into the one to throw, inside the transaction before it rolls
   * back (the session still answers there, unless the error broke it).
   */
  readonly explainInside?: ((error: unknown, session: S) => Promise<unknown>) | undefined;
  /** Turns an error of the begun transaction into the one to throw, after it rolled back. */
  readonly explainAfter?: ((error: unknown) => Promise<unknown>) | undefined;
}

/**
 * Runs `work` in one transaction of Kysely's callback form on `client` (MikroORM's
 * connection client): committed when it resolves, rolled back when it throws. A statement
 * that fails inside propagates unchanged (with its SQL attached by the session).
 *
 * Not MikroORM's `transactional()`: that opens a Kysely `ControlledTransaction`, and
 * Kysely 0.29 never releases the connection when its `BEGIN` fails; with one connection
 * behind a mutex (SQLite) or a pool of one (PostgreSQL, MariaDB), a `BEGIN` that fails
 * would leave every later statement waiting forever. The callback form releases it.
 *
 * @throws {DatabaseError} when the transaction cannot begin.
 */
export async function kyselyTransaction<S extends Session, T>(
  client: AnyKysely,
  openSession: (trx: AnyKysely) => S,
  work: (session: S) => Promise<T>,
  hooks: TransactionHooks<S> = {},
): Promise<T> {
  let begun = false;
  try {
    return await client.transaction().execute(async (trx) => {
      begun = true;
      const session = openSession(trx);
      try {
        await hooks.begin?.(session);
        const result = await work(session);
        await hooks.beforeCommit?.(session);
        return result;
      } catch (error) {
        throw hooks.explainInside ? await hooks.explainInside(error, session) : error;
      }
    });
  } catch (error) {
    if (!begun) throw new DatabaseError('Beginning a transaction', { cause: error });
    throw hooks.explainAfter ? await hooks.explainAfter(error) : error;
  }
}

/**
 * Runs `work` between a plain `BEGIN` and `COMMIT` sent through `session`, for a
 * connection without Kysely (a read-only `inspect` connection). When `work` throws, the
 * transaction is rolled back (if `isOpen` says it still is) and the work's error
 * propagates, never the rollback's.
 *
 * @throws {DatabaseError} when the transaction cannot begin.
 */
export async function nativeTransaction<T>(
  session: Session,
  work: (session: Session) => Promise<T>,
  isOpen: () => boolean = () => true,
): Promise<T> {
  try {
    await session.execute('BEGIN');
  } catch (error) {
    throw new DatabaseError('Beginning a transaction', { cause: error });
  }
  try {
    const result = await work(session);
    await session.execute('COMMIT');
    return result;
  } catch (error) {
    if (isOpen()) await session.execute('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * The error of a connection used after `close()`.
 *
 * ### Examples
 * ```ts
 * if (this.#closed) throw closedConnectionError('PostgreSQL');
 * ```
 */
export function closedConnectionError(database: string): DatabaseError {
  return new DatabaseError(`Using the ${database} connection`, { cause: new Error('the connection is closed') });
}

/**
 * Closes an adapter's MikroORM instance (and with it the pool or database it owns); a
 * failure becomes a {@link DatabaseError} naming the database.
 */
export async function closeOrm(orm: { close(force?: boolean): Promise<void> }, database: string): Promise<void> {
  try {
    await orm.close(true);
  } catch (error) {
    throw new DatabaseError(`Closing the ${database} connection`, { cause: error });
  }
}

/**
 * The options every MikroORM instance of an adapter starts with: no entities (the
 * adapter only borrows its connection, transactions and platform), no global-context
 * check, no database creation, no TypeScript discovery, no logging.
 */
export const ORM_WITHOUT_ENTITIES = {
  entities: [] as never[],
  discovery: { warnWhenNoEntities: false },
  allowGlobalContext: true,
  ensureDatabase: false,
  preferTs: false,
  debug: false,
  logger: () => {},
} as const;

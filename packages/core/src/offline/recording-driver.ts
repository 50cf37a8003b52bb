import type { OfflineStatementSink } from '../adapter/dialect-adapter.js';

/** The parts of a Kysely `CompiledQuery` the recorder reads (typed structurally: core does not depend on Kysely). */
export interface RecordedQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly query: { readonly kind: string; readonly returning?: unknown };
}

/** A Kysely `DatabaseConnection`, structurally. */
export interface RecordingDatabaseConnection {
  executeQuery(query: RecordedQuery): Promise<{ rows: never[] }>;
  streamQuery(query: RecordedQuery): AsyncIterableIterator<never>;
}

/** A Kysely `Driver`, structurally: give it to a Kysely dialect's `createDriver()`. */
export interface RecordingDriver {
  init(): Promise<void>;
  acquireConnection(): Promise<RecordingDatabaseConnection>;
  beginTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  releaseConnection(): Promise<void>;
  destroy(): Promise<void>;
}

/** Query node kinds that only read. */
const READING_KINDS: ReadonlySet<string> = new Set(['SelectQueryNode']);

/**
 * A Kysely driver that executes nothing: each compiled query becomes a statement of
 * the offline script, its parameters inlined by `inline` (the dialect's literals), and
 * answers with no rows. Queries that read (a `SELECT`, a raw statement that starts with
 * `SELECT`, or a write with `RETURNING`, whose rows the migration would get) are refused
 * with the offline read error. Transactions opened on it are no-ops: the script's own
 * transaction frames the migration.
 *
 * ### Examples
 * ```ts
 * // inside an adapter's renderOffline(), with Kysely loaded:
 * const db = new Kysely({ dialect: {
 *   createAdapter: () => new SqliteAdapter(),
 *   createDriver: () => createRecordingDriver(sink, inline),
 *   createIntrospector: (k) => new SqliteIntrospector(k),
 *   createQueryCompiler: () => new SqliteQueryCompiler(),
 * } });
 * ```
 */
export function createRecordingDriver(
  sink: OfflineStatementSink,
  inline: (sql: string, params: readonly unknown[]) => string,
): RecordingDriver {
  const record = (query: RecordedQuery): void => {
    const kind = query.query.kind;
    if (READING_KINDS.has(kind) || (kind === 'RawNode' && /^\s*select\b/i.test(query.sql))) {
      sink.refuseRead('a SELECT through op.db');
    }
    if (query.query.returning !== undefined) sink.refuseRead('a statement with RETURNING through op.db');
    sink.statement(inline(query.sql, query.parameters));
  };
  const connection: RecordingDatabaseConnection = {
    async executeQuery(query) {
      record(query);
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery(query) {
      record(query);
    },
  };
  const nothing = async (): Promise<void> => {};
  return {
    init: nothing,
    acquireConnection: async () => connection,
    beginTransaction: nothing,
    commitTransaction: nothing,
    rollbackTransaction: nothing,
    releaseConnection: nothing,
    destroy: nothing,
  };
}

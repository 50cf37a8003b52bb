import type {
  AdapterConnection,
  AuditStore,
  MigrationLock,
  OfflineRenderer,
  OfflineStatementSink,
  Session,
  VersionStore,
} from '../adapter/dialect-adapter.js';
import type { SchemaOperationCompiler } from '../adapter/schema-operation-compiler.js';
import { OfflineReadNotSupportedError, OperationNotSupportedError } from '../errors.js';
import { SchemaModel } from '../operations/schema-model.js';
import type { Row } from '../migration.js';
import type { OfflineScriptBuilder } from './offline-script.js';

/** The migration being rendered, for the offline read error. */
export interface RunningMigration {
  readonly revision: string;
  readonly path: string | undefined;
}

/** What {@link createOfflineConnection} needs. */
export interface OfflineConnectionOptions {
  readonly renderer: OfflineRenderer;
  /** Where the statements go. */
  readonly script: OfflineScriptBuilder;
  /** The version table's rows when the script starts: what `versionStore.read()` answers. */
  readonly startHeads: readonly string[];
  /** The migration being rendered now, if any. */
  readonly runningMigration: () => RunningMigration | undefined;
}

/**
 * An {@link AdapterConnection} that records instead of executing, so that core's own
 * runner renders an offline script: `transaction` frames a block, sessions inline
 * parameters and append statements, the lock is a no-op, `versionStore.read()` answers
 * the range's start and `auditStore.latest()` nothing. The version table is created
 * only when the script starts from base, as Alembic's `--sql` does; the audit table is
 * created `IF NOT EXISTS` by every script, since no one can tell offline whether it
 * exists.
 */
export function createOfflineConnection(options: OfflineConnectionOptions): AdapterConnection {
  const { renderer, script, startHeads } = options;
  const sink: OfflineStatementSink = {
    statement: (sql) => script.statement(sql),
    refuseRead: (operation) => {
      const running = options.runningMigration();
      throw new OfflineReadNotSupportedError(running?.revision, running?.path, operation);
    },
  };
  const session = new OfflineSession(renderer, sink);
  const fromBase = startHeads.length === 0;

  const versionStore: VersionStore = {
    table: renderer.versionStore.table,
    ensure: async (own) => {
      if (fromBase) await renderer.versionStore.ensure(own);
    },
    read: async () => [...startHeads],
    insert: (own, version) => renderer.versionStore.insert(own, version),
    delete: (own, version) => renderer.versionStore.delete(own, version),
    update: (own, from, to) => renderer.versionStore.update(own, from, to),
  };
  const auditStore: AuditStore = {
    table: renderer.auditStore.table,
    ensure: (own) => renderer.auditStore.ensure(own),
    record: (own, entry) => renderer.auditStore.record(own, entry),
    latest: async () => [],
  };
  const noLock: MigrationLock = { release: async () => {} };

  return {
    versionStore,
    auditStore,
    async transaction<T>(work: (own: Session) => Promise<T>): Promise<T> {
      script.begin(true);
      try {
        return await work(session);
      } finally {
        script.end();
      }
    },
    async autocommit<T>(work: (own: Session) => Promise<T>): Promise<T> {
      script.begin(false);
      try {
        return await work(session);
      } finally {
        script.end();
      }
    },
    acquireLock: async () => noLock,
    isTransientLockError: () => false,
    close: async () => {},
    operationCompiler: renderer.operationCompiler && compilingIntoModel(renderer.operationCompiler, new SchemaModel()),
  };
}

/**
 * The renderer's compiler, with the tables it asks for answered by `model`, which
 * every operation compiled for the script updates. Offline there is no database to
 * read: a table is known when an operation of the script made it; one made otherwise
 * (raw SQL, or a revision before the range) cannot be described, and an operation that
 * needs its definition is refused rather than compiled from a guess.
 */
function compilingIntoModel(compiler: SchemaOperationCompiler, model: SchemaModel): SchemaOperationCompiler {
  return {
    async compile(operation, context) {
      const compiled = await compiler.compile(operation, {
        ...context,
        describeTable: async (table) => {
          const answer = model.describe(table);
          if (answer.state === 'known') return answer.table;
          if (answer.state === 'absent') return undefined;
          throw new OperationNotSupportedError(
            `op.${operation.kind}`,
            context.dialect,
            `it needs the definition of table ${table.name}, which offline mode knows only from the schema operations ` +
              'of the revisions it renders; none of them made this table (made by raw SQL, or by a revision before the range)',
          );
        },
      });
      model.apply(operation);
      return compiled;
    },
  };
}

/** A {@link Session} that appends statements to the script and refuses every read. */
class OfflineSession implements Session {
  readonly offline = true;
  readonly db: unknown;
  readonly connection: unknown;
  readonly #renderer: OfflineRenderer;
  readonly #sink: OfflineStatementSink;

  constructor(renderer: OfflineRenderer, sink: OfflineStatementSink) {
    this.#renderer = renderer;
    this.#sink = sink;
    this.db = renderer.queryBuilder?.(sink) ?? refusingProxy(sink, 'op.db');
    this.connection = refusingProxy(sink, 'op.connection');
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<void> {
    this.#sink.statement(this.#renderer.inline(sql, params));
  }

  async query<T extends Row = Row>(): Promise<T[]> {
    return this.#sink.refuseRead('op.query');
  }

  async bulkInsert(table: string, rows: readonly Row[]): Promise<void> {
    for (const sql of this.#renderer.bulkInsert(table, rows)) this.#sink.statement(sql);
  }
}

/**
 * An object whose every use fails with the offline read error. `then` is left
 * undefined so that returning or awaiting it does not count as a use.
 */
function refusingProxy(sink: OfflineStatementSink, name: string): unknown {
  return new Proxy(
    {},
    {
      get: (_target, property) => {
        if (property === 'then' || typeof property === 'symbol') return undefined;
        return sink.refuseRead(`${name}.${String(property)}`);
      },
      has: () => sink.refuseRead(name),
      set: () => sink.refuseRead(name),
    },
  );
}

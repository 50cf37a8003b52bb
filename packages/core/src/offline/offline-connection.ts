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
import type { QualifiedName, TableDescription } from '../operations/schema-operation.js';
import { refusingProxy } from './refusing-proxy.js';
import { changesSchema, schemaChangeReason } from './statement-effect.js';
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
  /**
   * The schema at the range's start, as the operations of the revisions before it made
   * it (see `replaySchema`); empty when absent. The script's own operations update it.
   */
  readonly model?: SchemaModel | undefined;
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
  const tracker = new SchemaTracker(options.model ?? new SchemaModel(), options.runningMigration);
  const sink: OfflineStatementSink = {
    statement: (sql) => {
      tracker.raw(sql);
      script.statement(sql);
    },
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
      if (fromBase) await tracker.own(() => renderer.versionStore.ensure(own));
    },
    read: async () => [...startHeads],
    insert: (own, version) => tracker.own(() => renderer.versionStore.insert(own, version)),
    delete: (own, version) => tracker.own(() => renderer.versionStore.delete(own, version)),
    update: (own, from, to) => tracker.own(() => renderer.versionStore.update(own, from, to)),
  };
  const auditStore: AuditStore = {
    table: renderer.auditStore.table,
    ensure: (own) => tracker.own(() => renderer.auditStore.ensure(own)),
    record: (own, entry) => tracker.own(() => renderer.auditStore.record(own, entry)),
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
    operationCompiler: renderer.operationCompiler && tracker.compiling(renderer.operationCompiler),
  };
}

/**
 * Keeps the schema model in step with the script. Offline there is no database to read:
 * a table is known when a schema operation made it (in the script, or in a revision
 * before the range, replayed); the compiler's `describeTable` is answered from the model,
 * and an operation that needs a table the model does not know is refused rather than
 * compiled from a guess. Raw statements that may change the schema make the model
 * forget what it knew (see {@link changesSchema}); the compiled statements of
 * operations and the version and audit tables' own statements do not.
 */
export class SchemaTracker {
  readonly #model: SchemaModel;
  readonly #running: () => RunningMigration | undefined;
  /** Statements compiled and not yet rendered: they reach the sink as raw ones do. */
  #compiled: string[] = [];
  #owned = 0;

  constructor(model: SchemaModel, running: () => RunningMigration | undefined) {
    this.#model = model;
    this.#running = running;
  }

  /** Runs a version or audit table write, whose statements leave the model alone. */
  async own<T>(write: () => Promise<T>): Promise<T> {
    this.#owned++;
    try {
      return await write();
    } finally {
      this.#owned--;
    }
  }

  /** A statement on its way into the script. */
  raw(sql: string): void {
    if (this.#owned > 0) return;
    const compiled = this.#compiled.indexOf(sql);
    if (compiled >= 0) {
      this.#compiled.splice(compiled, 1);
      return;
    }
    if (!changesSchema(sql)) return;
    const running = this.#running();
    this.#model.forget(schemaChangeReason(running ? `revision ${running.revision}` : 'the script', sql));
  }

  /** The renderer's compiler, answering `describeTable` from the model and updating it. */
  compiling(compiler: SchemaOperationCompiler): SchemaOperationCompiler {
    return {
      compile: async (operation, context) => {
        const compiled = await compiler.compile(operation, {
          ...context,
          describeTable: async (table) => this.#describe(table, operation.kind, context.dialect),
        });
        this.#model.apply(operation);
        this.#compiled.push(...compiled.statements);
        return compiled;
      },
    };
  }

  #describe(table: QualifiedName, kind: string, dialect: string): TableDescription | undefined {
    const answer = this.#model.describe(table);
    if (answer.state === 'known') return answer.table;
    if (answer.state === 'absent') return undefined;
    throw new OperationNotSupportedError(
      `op.${kind}`,
      dialect,
      `it needs the definition of table ${table.name}, which offline mode knows only from schema operations: ` +
        (answer.reason ?? 'none made this table (it was made by raw SQL)'),
    );
  }
}

/** A {@link Session} that appends statements to the script and refuses every read. */
class OfflineSession implements Session {
  readonly offline = true;
  readonly connection: unknown;
  readonly #renderer: OfflineRenderer;
  readonly #sink: OfflineStatementSink;
  #db: unknown;

  constructor(renderer: OfflineRenderer, sink: OfflineStatementSink) {
    this.#renderer = renderer;
    this.#sink = sink;
    this.connection = refusingProxy('op.connection', (use) => sink.refuseRead(use));
  }

  /** The renderer's query builder, made at the first use: most migrations never touch `op.db`, and the lint renders every one. */
  get db(): unknown {
    this.#db ??= this.#renderer.queryBuilder?.(this.#sink) ?? refusingProxy('op.db', (use) => this.#sink.refuseRead(use));
    return this.#db;
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

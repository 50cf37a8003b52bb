/**
 * The lint of one migration's statements, in the order they run: the findings so far, and
 * what the earlier statements established that later rules depend on (tables created,
 * `lock_timeout`, validated `IS NOT NULL` checks, column types, which table an index is on),
 * and what the schema model says of the table of the schema operation being linted.
 *
 * @packageDocumentation
 */

import type { LintedOperation, NamedColumn, QualifiedName, StatementLintHit, StatementsLint } from '@cloudguard/migrate-core/adapter';

import type { ColumnType } from './column-types.js';
import { limitsLockWait, type LockTimeout } from './lock-timeout.js';
import { sqlName } from './pg-tree.js';
import type { PortableTypeReader } from './portable-types.js';
import type { PostgresServer } from './server-version.js';

/** The schema of a table named without one, as core's identifier rules for PostgreSQL say. */
export const DEFAULT_SCHEMA = 'public';

/** A statement, named for a message (`ALTER TABLE scans`), with the table it changes or reads. */
interface TableStatement {
  readonly statement: number;
  readonly table: QualifiedName;
  readonly what: string;
}

/** One table's facts as far as the statements so far go. */
interface TableFacts {
  readonly columnTypes: Map<string, ColumnType>;
  /** `CHECK (col IS NOT NULL) NOT VALID` constraints not validated yet: name → column. */
  readonly pendingNotNullChecks: Map<string, string>;
  /** Columns a validated `CHECK (col IS NOT NULL)` covers. */
  readonly checkedNotNull: Set<string>;
}

/** The lint of one migration's statements; the rule modules report to it. */
export class PostgresLintRun {
  /** The server the version-dependent rules decide for. */
  readonly server: PostgresServer;
  readonly #hits: StatementLintHit[] = [];
  readonly #creates: { statement: number; table: QualifiedName }[] = [];
  readonly #created = new Set<string>();
  readonly #tables = new Map<string, TableFacts>();
  readonly #indexTables = new Map<string, QualifiedName>();
  readonly #schemaChanges: TableStatement[] = [];
  readonly #dataChanges: TableStatement[] = [];
  readonly #portableType: PortableTypeReader;
  #lockTimeout: LockTimeout;
  #statement = 0;
  #inTransaction = true;
  /** The schema operation the current statement was compiled from, if any. */
  #operation: LintedOperation | undefined;
  /** Columns ({@link columnKey}) that earlier statements of the same operation changed: its `tableBefore` no longer describes them. */
  readonly #changedByOperation = new Set<string>();
  /** The first ACCESS EXCLUSIVE the current statement waits for without a lock_timeout. */
  #unboundedWait: { readonly what: string; readonly table: QualifiedName | undefined; readonly timeout: LockTimeout } | undefined;

  constructor(server: PostgresServer, configuredLockTimeout: LockTimeout, portableType: PortableTypeReader) {
    this.server = server;
    this.#lockTimeout = configuredLockTimeout;
    this.#portableType = portableType;
  }

  /** Index of the statement being linted. */
  get statement(): number {
    return this.#statement;
  }

  /** Whether the statement being linted runs in the migration's transaction. */
  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /** Starts linting statement `statement`, compiled from `operation` when it was. */
  begin(statement: number, inTransaction: boolean, operation?: LintedOperation): void {
    this.#statement = statement;
    this.#inTransaction = inTransaction;
    this.#unboundedWait = undefined;
    if (operation?.index !== this.#operation?.index) this.#changedByOperation.clear();
    this.#operation = operation;
  }

  /** Ends the statement: one `MISSING_LOCK_TIMEOUT` when it waits for ACCESS EXCLUSIVE with no lock_timeout. */
  end(): void {
    const wait = this.#unboundedWait;
    if (wait === undefined) return;
    const on = wait.table === undefined ? 'its tables' : sqlName(wait.table);
    const state = wait.timeout.source === '' ? 'no lock_timeout' : `lock_timeout off (${wait.timeout.source})`;
    this.hit(
      'MISSING_LOCK_TIMEOUT',
      `${wait.what} waits for ACCESS EXCLUSIVE on ${on} with ${state}: while it waits, every query on ${on} queues behind it; ` +
        `set lockTimeout in postgresAdapter() or ?lock_timeout= in the URL, or run SET ${this.#inTransaction ? 'LOCAL ' : ''}lock_timeout = '5s' first`,
      wait.table,
    );
  }

  /** The findings and creations of the whole migration, with `DDL_WITH_DATA_CHANGE` once the transaction is known. */
  finish(): StatementsLint {
    const change = this.#schemaChanges[0];
    const data = this.#dataChanges[0];
    if (change !== undefined && data !== undefined) {
      this.#hits.push({
        ruleId: 'DDL_WITH_DATA_CHANGE',
        statement: data.statement,
        table: change.table,
        message:
          `${data.what} runs in the same transaction as ${change.what}: both keep their locks until the migration commits, so ` +
          `${sqlName(change.table)} stays locked while every row changes; change the data in a migration of its own (in batches, ` +
          'with transactional: false, for a large table)',
      });
      this.#hits.sort((first, second) => first.statement - second.statement);
    }
    return { hits: this.#hits, creates: this.#creates };
  }

  /** Reports a finding on the current statement. */
  hit(ruleId: string, message: string, table?: QualifiedName): void {
    this.#hits.push(table === undefined ? { ruleId, statement: this.#statement, message } : { ruleId, statement: this.#statement, message, table });
  }

  // ── what earlier statements established ──────────────────────────────────

  /** The current statement creates `table` (or gives a table created here a new name). */
  created(table: QualifiedName): void {
    this.#creates.push({ statement: this.#statement, table });
    this.#created.add(tableKey(table));
  }

  /** Whether an earlier statement of this migration created `table`. */
  wasCreated(table: QualifiedName): boolean {
    return this.#created.has(tableKey(table));
  }

  /**
   * The column's type, when it is known: as the schema operation's table had it before the
   * operation (the model knows it from the operations before, this migration's included),
   * else as an earlier statement of this migration gave it.
   */
  columnType(table: QualifiedName, column: string): ColumnType | undefined {
    const before = this.#columnBefore(table, column);
    if (before !== undefined) return this.#portableType(before);
    return this.#tables.get(tableKey(table))?.columnTypes.get(column);
  }

  /** The current statement gives the column this type. */
  typed(table: QualifiedName, column: string, type: ColumnType | undefined): void {
    const types = this.#facts(table).columnTypes;
    if (type === undefined) types.delete(column);
    else types.set(column, type);
    this.changedColumn(table, column);
  }

  /**
   * Whether the column accepted NULL before the current statement, when the schema
   * operation's table says (undefined otherwise).
   */
  wasNullable(table: QualifiedName, column: string): boolean | undefined {
    const before = this.#columnBefore(table, column);
    if (before === undefined) return undefined;
    const inKey = before.primaryKey === true || this.#operation?.tableBefore?.primaryKey?.columns.includes(column) === true;
    return !inKey && before.nullable !== false;
  }

  /**
   * Whether the column had a default before the current statement (a serial's `nextval`
   * counts), when the schema operation's table says (undefined otherwise).
   */
  hadDefault(table: QualifiedName, column: string): boolean | undefined {
    const before = this.#columnBefore(table, column);
    return before === undefined ? undefined : before.default !== undefined || before.autoincrement === true;
  }

  /** The current statement changes the column (its type, nullability, default or name). */
  changedColumn(table: QualifiedName, column: string): void {
    if (this.#operation?.tableBefore !== undefined) this.#changedByOperation.add(columnKey(table, column));
  }

  /** The current statement adds `CHECK (column IS NOT NULL)`, validated or not yet (`NOT VALID`, named `name`). */
  notNullCheck(table: QualifiedName, column: string, validated: boolean, name: string | undefined): void {
    const facts = this.#facts(table);
    if (validated) facts.checkedNotNull.add(column);
    else if (name !== undefined) facts.pendingNotNullChecks.set(name, column);
  }

  /** The current statement validates constraint `name`. */
  validated(table: QualifiedName, name: string): void {
    const facts = this.#facts(table);
    const column = facts.pendingNotNullChecks.get(name);
    if (column !== undefined) facts.checkedNotNull.add(column);
  }

  /** Whether a validated `CHECK (column IS NOT NULL)` was added earlier in this migration. */
  isCheckedNotNull(table: QualifiedName, column: string): boolean {
    return this.#tables.get(tableKey(table))?.checkedNotNull.has(column) ?? false;
  }

  /** The current statement creates index `name` on `table`. */
  indexed(name: string, table: QualifiedName): void {
    this.#indexTables.set(tableKey({ name, schema: table.schema }), table);
  }

  /** The table of an index created earlier in this migration (an index lives in its table's schema). */
  tableOfIndex(index: QualifiedName): QualifiedName | undefined {
    return this.#indexTables.get(tableKey(index));
  }

  // ── locks, lock_timeout and the transaction ──────────────────────────────

  /** The current statement sets `lock_timeout` (`local`: `SET LOCAL`, for the rest of the transaction). */
  setLockTimeout(value: string | number | 'default', local: boolean, written: string): void {
    // SET LOCAL outside a transaction block only warns: it changes nothing.
    if (local && !this.#inTransaction) return;
    // RESET goes back to the session's default, the server's, which is usually no limit.
    const on = value !== 'default' && limitsLockWait(value);
    this.#lockTimeout = { on, source: `${written} earlier in this migration` };
  }

  /**
   * The current statement (`what`, e.g. `ALTER TABLE scans`) waits for ACCESS EXCLUSIVE
   * on these tables (none when they are not known from the statement).
   */
  takesAccessExclusive(what: string, tables: readonly QualifiedName[]): void {
    if (this.#lockTimeout.on || this.#unboundedWait !== undefined) return;
    // The hit names a table that existed before the migration when there is one: core drops hits on created tables.
    const table = tables.find((each) => !this.wasCreated(each)) ?? tables[0];
    this.#unboundedWait = { what, table, timeout: this.#lockTimeout };
  }

  /** The current statement changes the schema of `table` (for `DDL_WITH_DATA_CHANGE`). */
  changesSchema(table: QualifiedName, what: string): void {
    if (this.#inTransaction && !this.wasCreated(table)) this.#schemaChanges.push({ statement: this.#statement, table, what });
  }

  /** The current statement changes the rows of a whole table (for `DDL_WITH_DATA_CHANGE`). */
  changesAllRows(table: QualifiedName, what: string): void {
    if (this.#inTransaction) this.#dataChanges.push({ statement: this.#statement, table, what });
  }

  /** The column in the current schema operation's `tableBefore`, unless an earlier statement of the operation changed it. */
  #columnBefore(table: QualifiedName, column: string): NamedColumn | undefined {
    const before = this.#operation?.tableBefore;
    if (before === undefined || tableKey(before.table) !== tableKey(table) || this.#changedByOperation.has(columnKey(table, column))) return undefined;
    return before.columns.find((candidate) => candidate.name === column);
  }

  #facts(table: QualifiedName): TableFacts {
    const key = tableKey(table);
    let facts = this.#tables.get(key);
    if (facts === undefined) {
      facts = { columnTypes: new Map(), pendingNotNullChecks: new Map(), checkedNotNull: new Set() };
      this.#tables.set(key, facts);
    }
    return facts;
  }
}

/** One key per table: a name without a schema is in {@link DEFAULT_SCHEMA}. */
function tableKey(table: QualifiedName): string {
  return `${table.schema ?? DEFAULT_SCHEMA}\u0000${table.name}`;
}

function columnKey(table: QualifiedName, column: string): string {
  return `${tableKey(table)}\u0000${column}`;
}

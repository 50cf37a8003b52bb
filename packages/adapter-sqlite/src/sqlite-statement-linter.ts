/**
 * SQLite's {@link StatementLinter}: which statements of a migration destroy data, break
 * the service still running, rebuild a table or fight the transaction they run in. Each
 * statement is read once, into facts (see `sqlite-statement-facts.ts`); the rules then
 * read the facts in order, knowing which run in which transaction, which tables the
 * statements created and which statements make up a table rebuild.
 *
 * @packageDocumentation
 */

import type {
  IdentifierRules,
  LintStatement,
  QualifiedName,
  StatementFactCache,
  StatementLinter,
  StatementLintHit,
  StatementsLint,
} from '@cloudguard/migrate-core/adapter';

import { messages, shown, type TransactionState } from './sqlite-lint-messages.js';
import { lineAndColumn, splitSqliteStatements } from './sqlite-sql-text.js';
import { factsOfStatement, tableKey, tableOf, type SqliteGrammars, type StatementFact } from './sqlite-statement-facts.js';
import { findTableRebuilds, type PlacedFact, type TableRebuild } from './sqlite-table-rebuilds.js';

/** The rules this linter checks: every rule of `LINT_RULES` for SQLite, and UNPARSEABLE. */
export const SQLITE_LINT_RULES: readonly string[] = [
  'DROP_TABLE',
  'DROP_COLUMN',
  'DROP_INDEX',
  'DELETE_ALL_ROWS',
  'RENAME_TABLE',
  'RENAME_COLUMN',
  'ADD_REQUIRED_COLUMN',
  'TRANSACTION_CONTROL',
  'DDL_WITH_DATA_CHANGE',
  'UPDATE_ALL_ROWS',
  'SQLITE_TABLE_REBUILD',
  'SQLITE_FOREIGN_KEYS_PRAGMA',
  'UNPARSEABLE',
];

/** SQLite compares names without regard to case; `main` is the default schema. */
export const SQLITE_IDENTIFIERS: IdentifierRules = { caseInsensitive: true, defaultSchema: 'main' };

/**
 * Makes SQLite's statement linter, loading node-sql-parser's SQLite and PostgreSQL
 * grammars (about 30 ms). Nothing is connected to. With `factCache`, what the grammars
 * read of each statement is kept there and not parsed again (see `sqlite-fact-cache.ts`).
 *
 * ### Examples
 * ```ts
 * const linter = await sqliteStatementLinter();
 * linter.lint([{ sql: 'ALTER TABLE scans DROP COLUMN note', inTransaction: true }], {});
 * // { hits: [{ ruleId: 'DROP_COLUMN', statement: 0, table: { name: 'scans' }, message: 'ALTER TABLE scans DROP COLUMN note deletes …' }], creates: [] }
 * ```
 */
export async function sqliteStatementLinter(factCache?: StatementFactCache): Promise<StatementLinter> {
  const { loadNodeSqlParser } = await import('@cloudguard/migrate-adapter-kit/sql-reading');
  const [sqlite, postgresql] = await Promise.all([loadNodeSqlParser('sqlite'), loadNodeSqlParser('postgresql')]);
  const grammars: SqliteGrammars = { sqlite, postgresql };
  return {
    identifiers: SQLITE_IDENTIFIERS,
    rules: SQLITE_LINT_RULES,
    lint: (statements) => lintSqliteStatements(statements, grammars, factCache),
  };
}

/** A fact with where it runs. */
interface FactInContext extends PlacedFact {
  readonly transaction: TransactionState;
  /** Which transaction it runs in (facts in the same one share it); undefined outside any. */
  readonly transactionId: number | undefined;
}

/** Lints one migration's statements (see {@link StatementLinter.lint}), their facts from `factCache` where it has them. */
export function lintSqliteStatements(statements: readonly LintStatement[], grammars: SqliteGrammars, factCache?: StatementFactCache): StatementsLint {
  const hits: StatementLintHit[] = [];
  const facts = readFacts(statements, grammars, factCache, hits);
  const rebuilds = findTableRebuilds(facts);
  const { creates, dataChanges, schemaChanges } = applyRules(facts, rebuilds, hits);
  for (const change of dataChanges) {
    const schemaChange = change.transactionId === undefined ? undefined : schemaChanges.get(change.transactionId);
    if (schemaChange === undefined) continue;
    hits.push({ ruleId: 'DDL_WITH_DATA_CHANGE', statement: change.statement, table: change.table, message: messages.ddlWithDataChange(change.description, schemaChange) });
  }
  return { hits: hits.sort((a, b) => a.statement - b.statement), creates };
}

/** Every statement's facts, in order, with the transaction each runs in; unreadable statements become UNPARSEABLE hits. */
function readFacts(statements: readonly LintStatement[], grammars: SqliteGrammars, factCache: StatementFactCache | undefined, hits: StatementLintHit[]): FactInContext[] {
  const facts: FactInContext[] = [];
  let declared: boolean | undefined;
  let state: TransactionState = 'none';
  let transactionId = 0;
  let ownSavepoint: string | undefined;
  statements.forEach(({ sql, inTransaction }, statement) => {
    // Each migration's statements share one setting; a change starts over from it.
    if (inTransaction !== declared) {
      declared = inTransaction;
      state = inTransaction ? 'migration' : 'none';
      if (inTransaction) transactionId++;
    }
    for (const text of splitSqliteStatements(sql)) {
      for (const fact of factsOfStatement(text, grammars, factCache)) {
        if (fact.kind === 'unparseable') {
          const position = fact.offset === undefined ? undefined : lineAndColumn(sql, text.start + fact.offset);
          hits.push({ ruleId: 'UNPARSEABLE', statement, message: messages.unparseable(fact.reason, position) });
          continue;
        }
        facts.push({ statement, fact, transaction: state, transactionId: state === 'none' ? undefined : transactionId });
        if (fact.kind !== 'transactionControl') continue;
        // What the statement does to the transaction the next ones run in.
        const { action, savepoint } = fact;
        if ((action === 'begin' || action === 'savepoint') && state === 'none') {
          state = 'own';
          transactionId++;
          ownSavepoint = action === 'savepoint' ? savepoint?.toLowerCase() : undefined;
        } else if (action === 'commit' || action === 'rollback' || (action === 'release' && state === 'own' && savepoint?.toLowerCase() === ownSavepoint)) {
          state = 'none';
        }
      }
    }
  });
  return facts;
}

/** A table-wide data change, which DDL_WITH_DATA_CHANGE reports when its transaction also changes the schema. */
interface DataChange {
  readonly statement: number;
  readonly table: QualifiedName;
  readonly transactionId: number | undefined;
  readonly description: string;
}

/** Runs every rule but DDL_WITH_DATA_CHANGE over the facts; collects what that one needs. */
function applyRules(facts: readonly FactInContext[], rebuilds: readonly TableRebuild[], hits: StatementLintHit[]) {
  const creates: { statement: number; table: QualifiedName }[] = [];
  const created = new Set<string>();
  const createdIndexes = new Set<string>();
  const addedColumns = new Set<string>();
  const dataChanges: DataChange[] = [];
  /** For each transaction, the first change it makes to what existed before the migration. */
  const schemaChanges = new Map<number, string>();
  const rebuildOf = new Map<number, TableRebuild>();
  for (const rebuild of rebuilds) for (const member of rebuild.facts) rebuildOf.set(member, rebuild);
  const columnKey = (table: QualifiedName, column: string): string => `${tableKey(table)}.${column.toLowerCase()}`;
  const isNew = (table: QualifiedName): boolean => created.has(tableKey(table));

  facts.forEach(({ statement, fact, transaction, transactionId }, index) => {
    const hit = (ruleId: string, message: string, table?: QualifiedName): void => {
      hits.push(table === undefined ? { ruleId, statement, message } : { ruleId, statement, message, table });
    };
    const schemaChange = (description: string): void => {
      if (transactionId !== undefined && !schemaChanges.has(transactionId)) schemaChanges.set(transactionId, description);
    };

    const rebuild = rebuildOf.get(index);
    if (rebuild !== undefined) {
      if (rebuild.first !== index) return;
      // A rebuild is one finding; its drop, rename and copy are its own, not findings of their own.
      hit('SQLITE_TABLE_REBUILD', messages.tableRebuild(rebuild), rebuild.table);
      for (const column of rebuild.requiredColumns) {
        hits.push({ ruleId: 'ADD_REQUIRED_COLUMN', statement: facts[column.fact]!.statement, table: rebuild.table, message: messages.rebuildAddsRequiredColumn(rebuild.table, column.name) });
      }
      for (const column of rebuild.renamedColumns) {
        hits.push({ ruleId: 'RENAME_COLUMN', statement: facts[column.fact]!.statement, table: rebuild.table, message: messages.rebuildRenamesColumn(rebuild.table, column.from, column.to) });
      }
      if (!isNew(rebuild.table)) schemaChange(`the rebuild of ${shown(rebuild.table)}`);
      return;
    }

    const table = tableOf(fact);
    if (table !== undefined && !isNew(table) && changesSchema(fact)) schemaChange(describeSchemaChange(fact));
    switch (fact.kind) {
      case 'createTable':
        created.add(tableKey(fact.table));
        creates.push({ statement, table: fact.table });
        break;
      case 'dropTable':
        hit('DROP_TABLE', messages.dropTable(fact.table), fact.table);
        break;
      case 'renameTable': {
        hit('RENAME_TABLE', messages.renameTable(fact.table, fact.newName), fact.table);
        // A table the migration created stays new under its new name.
        const renamed = fact.table.schema === undefined ? { name: fact.newName } : { name: fact.newName, schema: fact.table.schema };
        if (isNew(fact.table)) {
          created.add(tableKey(renamed));
          creates.push({ statement, table: renamed });
        }
        break;
      }
      case 'addColumn':
        addedColumns.add(columnKey(fact.table, fact.column.name));
        if (fact.column.required) hit('ADD_REQUIRED_COLUMN', messages.addRequiredColumn(fact.table, fact.column.name), fact.table);
        break;
      case 'dropColumn':
        // A column this migration added is no column the running service uses.
        if (!addedColumns.has(columnKey(fact.table, fact.column))) hit('DROP_COLUMN', messages.dropColumn(fact.table, fact.column), fact.table);
        break;
      case 'renameColumn':
        if (addedColumns.has(columnKey(fact.table, fact.column))) addedColumns.add(columnKey(fact.table, fact.newName));
        else hit('RENAME_COLUMN', messages.renameColumn(fact.table, fact.column, fact.newName), fact.table);
        break;
      case 'createIndex':
        createdIndexes.add(fact.index.toLowerCase());
        break;
      case 'dropIndex':
        // SQLite's DROP INDEX does not name the table; an index this migration created is no index the running service uses.
        if (!createdIndexes.has(fact.index.toLowerCase())) {
          const index = fact.schema === undefined ? { name: fact.index } : { name: fact.index, schema: fact.schema };
          schemaChange(`DROP INDEX ${shown(index)}`);
          hit('DROP_INDEX', messages.dropIndex(index));
        }
        break;
      case 'insert':
        if (fact.copy !== undefined) {
          dataChanges.push({ statement, table: fact.table, transactionId, description: `INSERT INTO ${shown(fact.table)} … SELECT FROM ${fact.copy.from.map(shown).join(', ')}` });
        }
        break;
      case 'update':
      case 'delete':
        if (!fact.everyRow) break;
        hit(fact.kind === 'update' ? 'UPDATE_ALL_ROWS' : 'DELETE_ALL_ROWS', (fact.kind === 'update' ? messages.updateAllRows : messages.deleteAllRows)(fact.table), fact.table);
        dataChanges.push({ statement, table: fact.table, transactionId, description: `${fact.kind === 'update' ? 'UPDATE' : 'DELETE FROM'} ${shown(fact.table)} (every row)` });
        break;
      case 'transactionControl':
        hit('TRANSACTION_CONTROL', messages.transactionControl(fact.keywords, fact.action, fact.savepoint, transaction));
        break;
      case 'pragma':
        if (fact.name.toLowerCase() === 'foreign_keys' && fact.value !== undefined) hit('SQLITE_FOREIGN_KEYS_PRAGMA', messages.foreignKeysPragma(fact.value, transaction));
        break;
      default:
        break;
    }
  });
  return { creates, dataChanges, schemaChanges };
}

/** Whether a fact about a table changes its schema (creating a table changes nothing that existed). */
function changesSchema(fact: StatementFact): boolean {
  return fact.kind !== 'createTable' && fact.kind !== 'insert' && fact.kind !== 'update' && fact.kind !== 'delete';
}

/** A schema change as DDL_WITH_DATA_CHANGE's message names it. */
function describeSchemaChange(fact: StatementFact): string {
  switch (fact.kind) {
    case 'dropTable':
      return `DROP TABLE ${shown(fact.table)}`;
    case 'createIndex':
      return `CREATE INDEX ${fact.index} on ${shown(fact.table)}`;
    case 'schemaObject':
      return `a trigger on ${shown(fact.table!)}`;
    default:
      return `ALTER TABLE ${shown(tableOf(fact)!)}`;
  }
}

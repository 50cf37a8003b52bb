/**
 * The rules on building, dropping and rebuilding indexes: without `CONCURRENTLY` they
 * block writes (or reads and writes) for as long as they take; with it they cannot run
 * in a transaction.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { IndexStmt, ReindexStmt } from 'libpg-query';

import type { PostgresLintRun } from './lint-run.js';
import { optionOn, relationName, sqlIdentifier, sqlName } from './pg-tree.js';
import { assumedVersionNote } from './server-version.js';
import { lintNonTransactional } from './transaction-rules.js';

const NON_TRANSACTIONAL_ADVICE = 'mark the migration transactional: false';

/** `CREATE INDEX`. */
export function lintCreateIndex(statement: IndexStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  if (table === undefined) return;
  const create = `CREATE ${statement.unique === true ? 'UNIQUE ' : ''}INDEX${statement.concurrent === true ? ' CONCURRENTLY' : ''}`;
  const index = statement.idxname === undefined ? create : `${create} ${sqlIdentifier(statement.idxname)}`;
  if (statement.idxname !== undefined) run.indexed(statement.idxname, table);
  if (statement.concurrent === true) {
    if (run.inTransaction) {
      run.hit(
        'CONCURRENTLY_IN_TRANSACTION',
        `${index} on ${sqlName(table)} cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it; ${NON_TRANSACTIONAL_ADVICE}`,
      );
    }
    return;
  }
  run.changesSchema(table, `${index} on ${sqlName(table)}`);
  // ON ONLY a partitioned table: an index of the parent alone, built over no rows. (The tree leaves out `inh` when false.)
  if (statement.relation?.inh !== true) return;
  run.hit(
    'CREATE_INDEX_NON_CONCURRENTLY',
    `${index} on ${sqlName(table)} blocks writes to ${sqlName(table)} until the index is built; use ${create} CONCURRENTLY in a ` +
      'migration with transactional: false',
    table,
  );
}

/** `DROP INDEX` of these indexes. */
export function lintDropIndex(indexes: readonly QualifiedName[], concurrent: boolean, run: PostgresLintRun): void {
  const drop = `DROP INDEX${concurrent ? ' CONCURRENTLY' : ''}`;
  const tables: QualifiedName[] = [];
  for (const index of indexes) {
    const table = run.tableOfIndex(index);
    if (table !== undefined) tables.push(table);
    const on = table === undefined ? 'its table' : sqlName(table);
    run.hit('DROP_INDEX', `${drop} ${sqlName(index)} drops an index that queries of the running service may rely on: they fall back to slower plans`, table);
    if (!concurrent) {
      run.hit(
        'DROP_INDEX_NON_CONCURRENTLY',
        `DROP INDEX ${sqlName(index)} takes ACCESS EXCLUSIVE on ${on}, blocking its reads and writes until the drop is done; use ` +
          'DROP INDEX CONCURRENTLY in a migration with transactional: false',
        table,
      );
    }
  }
  if (concurrent && run.inTransaction) {
    run.hit('CONCURRENTLY_IN_TRANSACTION', `${drop} cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it; ${NON_TRANSACTIONAL_ADVICE}`);
  }
  if (!concurrent) run.takesAccessExclusive(`DROP INDEX ${indexes.map(sqlName).join(', ')}`, tables);
}

/** `REINDEX`: of an index or table, or of a whole schema or database (which cannot run in a transaction). */
export function lintReindex(statement: ReindexStmt, run: PostgresLintRun): void {
  const concurrently = optionOn(statement.params, 'concurrently');
  const relation = relationName(statement.relation);
  let what: string;
  let table: QualifiedName | undefined;
  /** REINDEX SCHEMA, DATABASE or SYSTEM, which refuse a transaction block with or without CONCURRENTLY. */
  let many = false;
  switch (statement.kind) {
    case 'REINDEX_OBJECT_INDEX':
      if (relation === undefined) return;
      what = `REINDEX INDEX ${sqlName(relation)}`;
      table = run.tableOfIndex(relation);
      break;
    case 'REINDEX_OBJECT_TABLE':
      if (relation === undefined) return;
      what = `REINDEX TABLE ${sqlName(relation)}`;
      table = relation;
      break;
    default: {
      const kind = (statement.kind ?? 'REINDEX_OBJECT_DATABASE').slice('REINDEX_OBJECT_'.length);
      what = `REINDEX ${kind}${statement.name === undefined ? '' : ` ${sqlIdentifier(statement.name)}`}`;
      many = true;
      lintNonTransactional(what, run);
      // REINDEX SYSTEM has no concurrent form on any version.
      if (statement.kind === 'REINDEX_OBJECT_SYSTEM') return;
    }
  }
  if (concurrently) {
    if (run.inTransaction && !many) {
      run.hit('CONCURRENTLY_IN_TRANSACTION', `${what} CONCURRENTLY cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it; ${NON_TRANSACTIONAL_ADVICE}`);
    }
    return;
  }
  const blocks = table === undefined ? `${what} blocks writes to the tables it rebuilds indexes of` : `${what} blocks writes to ${sqlName(table)}`;
  run.hit(
    'REINDEX_NON_CONCURRENTLY',
    run.server.major < 12
      ? `${blocks} (and the reads that use the index) for the whole rebuild, and PostgreSQL ${run.server.major} has no REINDEX CONCURRENTLY: ` +
          'build a copy with CREATE INDEX CONCURRENTLY and drop the old index instead'
      : `${blocks} (and the reads that use the index) for the whole rebuild; use REINDEX … CONCURRENTLY in a migration with ` +
          `transactional: false${assumedVersionNote(run.server)}`,
    table,
  );
}

/**
 * The rules on maintenance commands and explicit locks: `VACUUM`, `CLUSTER`, `REFRESH
 * MATERIALIZED VIEW`, `LOCK TABLE`.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { ClusterStmt, LockStmt, RefreshMatViewStmt, VacuumStmt } from 'libpg-query';

import type { PostgresLintRun } from './lint-run.js';
import { nodeAs, optionOn, relationName, sqlName } from './pg-tree.js';
import { lintNonTransactional } from './transaction-rules.js';

/** PostgreSQL's lock modes, by the number `LOCK TABLE … IN … MODE` parses to. */
const LOCK_MODES: readonly string[] = [
  '',
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];
const ACCESS_EXCLUSIVE = 8;

/** `VACUUM` (not in a transaction; `FULL` rewrites). `ANALYZE` alone is harmless. */
export function lintVacuum(statement: VacuumStmt, run: PostgresLintRun): void {
  if (statement.is_vacuumcmd !== true) return;
  const full = optionOn(statement.options, 'full');
  const tables = (statement.rels ?? []).flatMap((item) => {
    const name = relationName(nodeAs(item, 'VacuumRelation')?.relation);
    return name === undefined ? [] : [name];
  });
  const what = `VACUUM${full ? ' FULL' : ''}${tables.length === 0 ? '' : ` ${tables.map(sqlName).join(', ')}`}`;
  lintNonTransactional(what, run);
  if (!full) return;
  rewrites(what, tables, run);
}

/** `CLUSTER`: rewrites the table in index order under ACCESS EXCLUSIVE. */
export function lintCluster(statement: ClusterStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  const what = table === undefined ? 'CLUSTER' : `CLUSTER ${sqlName(table)}`;
  // CLUSTER of every clustered table refuses a transaction block; CLUSTER of one table does not.
  if (table === undefined) lintNonTransactional(what, run);
  rewrites(what, table === undefined ? [] : [table], run);
}

/** `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY` (which is allowed in a transaction, unlike the index forms). */
export function lintRefresh(statement: RefreshMatViewStmt, run: PostgresLintRun): void {
  const view = relationName(statement.relation);
  if (view === undefined || statement.concurrent === true) return;
  const what = `REFRESH MATERIALIZED VIEW ${sqlName(view)}`;
  run.hit(
    'REFRESH_MATERIALIZED_VIEW_NON_CONCURRENTLY',
    `${what} blocks every read of ${sqlName(view)} until the refresh is done; use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a ` +
      `unique index on ${sqlName(view)})`,
    view,
  );
  run.takesAccessExclusive(what, [view]);
}

/** `LOCK TABLE`. */
export function lintLock(statement: LockStmt, run: PostgresLintRun): void {
  const mode = statement.mode ?? ACCESS_EXCLUSIVE;
  const tables = (statement.relations ?? []).flatMap((item) => {
    const name = relationName(nodeAs(item, 'RangeVar'));
    return name === undefined ? [] : [name];
  });
  const what = `LOCK TABLE ${tables.map(sqlName).join(', ')} IN ${LOCK_MODES[mode] ?? 'ACCESS EXCLUSIVE'} MODE`;
  for (const table of tables) {
    run.hit('LOCK_TABLE', `${what} holds that lock on ${sqlName(table)} until the transaction ends`, table);
  }
  // NOWAIT fails at once instead of waiting: nothing queues behind it.
  if (mode === ACCESS_EXCLUSIVE && statement.nowait !== true) run.takesAccessExclusive(what, tables);
}

function rewrites(what: string, tables: readonly QualifiedName[], run: PostgresLintRun): void {
  const hit = (table: QualifiedName | undefined): void =>
    run.hit(
      'TABLE_REWRITE_COMMAND',
      `${what} rewrites ${table === undefined ? 'each table it processes' : sqlName(table)} under ACCESS EXCLUSIVE, blocking reads and writes ` +
        'for the whole rewrite; run it in a maintenance window, or use an online tool such as pg_repack',
      table,
    );
  if (tables.length === 0) hit(undefined);
  for (const table of tables) hit(table);
  run.takesAccessExclusive(what, tables);
}

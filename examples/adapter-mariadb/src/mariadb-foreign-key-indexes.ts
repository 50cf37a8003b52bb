/**
 * MariaDB (InnoDB) needs an index whose first columns are a foreign key's columns. It
 * makes one for a new key when none exists, and drops that one by itself when an index
 * made later serves the key too; dropping that later index is then refused ("needed in
 * a foreign key constraint"). A drop of an index or unique constraint the table's
 * foreign keys would be left without is therefore preceded by the key's own index,
 * named as the key, as MariaDB would have made it. And a dropped foreign key takes the
 * index MariaDB made for it (named as the key, on its columns) with it, so that the
 * table is as before the key was added.
 *
 * @packageDocumentation
 */

import type { AlterTableOperation, CompiledOperation, OperationCompileContext } from '@cloudguard/migrate-core/adapter';
import type { AlterTableTools } from '@cloudguard/migrate-adapter-kit/operations';

/** Each index of the table (`?` its name) with its columns in order. */
const INDEX_COLUMNS = `
  select index_name as name, column_name as columnName from information_schema.statistics
   where table_schema = database() and table_name = ? order by index_name, seq_in_index`;

/** Each foreign key of the table (`?` its name) with its columns in order. */
const FOREIGN_KEY_COLUMNS = `
  select constraint_name as name, column_name as columnName from information_schema.key_column_usage
   where table_schema = database() and table_name = ? and referenced_table_name is not null order by constraint_name, ordinal_position`;

/**
 * The operation with an index for each foreign key it would leave without one, and
 * without the indexes of the keys it drops; `undefined` when neither applies (and
 * offline, where the table's indexes cannot be read).
 */
export async function keepingForeignKeyIndexes(
  operation: AlterTableOperation,
  context: OperationCompileContext,
  tools: AlterTableTools,
): Promise<CompiledOperation | undefined> {
  const { query } = context;
  const dropped = new Set(
    operation.changes.flatMap((change) =>
      change.kind === 'dropIndex' ? [change.name] : change.kind === 'dropConstraint' && change.type === 'unique' ? [change.name] : [],
    ),
  );
  const droppedKeys = new Set(operation.changes.flatMap((change) => (change.kind === 'dropConstraint' && change.type === 'foreignKey' ? [change.name] : [])));
  if ((dropped.size === 0 && droppedKeys.size === 0) || context.offline || query === undefined) return undefined;
  const table = operation.table.name;
  const indexes = grouped(await query<{ name: string; columnName: string }>(INDEX_COLUMNS, [table]));
  const keys = grouped(await query<{ name: string; columnName: string }>(FOREIGN_KEY_COLUMNS, [table]));
  const kept = [...indexes].filter(([name]) => !dropped.has(name)).map(([, columns]) => columns);
  const quote = (name: string): string => tools.platform.quoteIdentifier(name);
  const added: string[] = [];
  const after: string[] = [];
  for (const name of droppedKeys) {
    const own = indexes.get(name);
    if (own !== undefined && own.join(',') === keys.get(name)?.join(',')) after.push(`alter table ${quote(table)} drop index ${quote(name)}`);
  }
  for (const [name, columns] of keys) {
    if (droppedKeys.has(name)) continue;
    const served = kept.some((index) => columns.every((column, position) => index[position] === column));
    if (served) continue;
    added.push(`alter table ${quote(table)} add index ${quote(name)} (${columns.map(quote).join(', ')})`);
    kept.push(columns);
  }
  if (added.length === 0 && after.length === 0) return undefined;
  return {
    statements: [...added, ...(await tools.changeStatements(operation, context)), ...after],
    checks: await tools.changePreconditions(operation, context),
  };
}

function grouped(rows: readonly { name: string; columnName: string }[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row.columnName]);
  return byName;
}

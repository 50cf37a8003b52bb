/**
 * Writes recorded schema operations back as the `op.*` calls of a migration file, so that
 * the property test runs real files through the real loader, and a counterexample reads
 * as the migration a user would have written.
 */
import type { NamedColumn, Row, SchemaOperation, TableChange } from '@cloudguard/migrate-core/adapter';

/** One step of a migration: a schema operation, or rows to insert. */
export type MigrationStep = SchemaOperation | { readonly kind: 'bulkInsert'; readonly table: string; readonly rows: readonly Row[] };

/** A revision: what `up` runs and what `down` runs, in order. */
export interface RevisionSteps {
  readonly up: readonly MigrationStep[];
  readonly down: readonly MigrationStep[];
}

const js = (value: unknown): string => JSON.stringify(value, (_key, item: unknown) => (item === undefined ? undefined : item));

/** `{ a: {...}, b: {...} }`: the columns object of `op.createTable`, in column order. */
function columnsObject(columns: readonly NamedColumn[]): string {
  return `{ ${columns.map(({ name, ...definition }) => `${js(name)}: ${js(definition)}`).join(', ')} }`;
}

/** A table change as `batch.<method>(…)` (no table argument) or `op.<method>(…)` on `table`. */
function changeCall(change: TableChange, receiver: 'op' | 'batch', table: string): string {
  const t = receiver === 'op' ? [js(table)] : [];
  const call = (method: string, ...args: string[]): string => `${receiver}.${method}(${args.join(', ')})`;
  switch (change.kind) {
    case 'addColumn': {
      const { name, ...definition } = change.column;
      return call('addColumn', ...t, js(name), js(definition));
    }
    case 'dropColumn':
      return call('dropColumn', ...t, js(change.column));
    case 'alterColumn':
      return call('alterColumn', ...t, js(change.column), js(change.changes));
    case 'createIndex': {
      const options = js({ unique: change.index.unique, where: change.index.where });
      return receiver === 'op'
        ? call('createIndex', js(change.index.name), js(table), js(change.index.columns), options)
        : call('createIndex', js(change.index.name), js(change.index.columns), options);
    }
    case 'dropIndex':
      return receiver === 'op' ? call('dropIndex', js(change.name), js(table)) : call('dropIndex', js(change.name));
    case 'addForeignKey': {
      const key = change.foreignKey;
      const name = js(key.name);
      const rest = [js(key.columns), js(key.referencedTable.name), js(key.referencedColumns), js({ onDelete: key.onDelete, onUpdate: key.onUpdate, notValid: change.notValid })];
      return receiver === 'op' ? call('createForeignKey', name, js(table), ...rest) : call('createForeignKey', name, ...rest);
    }
    case 'addUnique':
      return receiver === 'op'
        ? call('createUniqueConstraint', js(change.unique.name), js(table), js(change.unique.columns))
        : call('createUniqueConstraint', js(change.unique.name), js(change.unique.columns));
    case 'addCheck':
      return receiver === 'op'
        ? call('createCheckConstraint', js(change.check.name), js(table), js(change.check.expression), js({ notValid: change.notValid }))
        : call('createCheckConstraint', js(change.check.name), js(change.check.expression), js({ notValid: change.notValid }));
    case 'addPrimaryKey':
      return receiver === 'op'
        ? call('createPrimaryKey', js(change.primaryKey.name), js(table), js(change.primaryKey.columns))
        : call('createPrimaryKey', js(change.primaryKey.name), js(change.primaryKey.columns));
    case 'dropConstraint':
      return receiver === 'op' ? call('dropConstraint', js(change.name), js(table), js(change.type)) : call('dropConstraint', js(change.name), js(change.type));
    case 'validateConstraint':
      return receiver === 'op' ? call('validateConstraint', js(change.name), js(table)) : call('validateConstraint', js(change.name));
  }
}

/** One step as the statement of a migration's `up` or `down`. */
export function renderStep(step: MigrationStep): string {
  switch (step.kind) {
    case 'bulkInsert':
      return `await op.bulkInsert(${js(step.table)}, ${js(step.rows)});`;
    case 'createTable': {
      const options = {
        primaryKey: step.primaryKey,
        indexes: step.indexes.length > 0 ? step.indexes : undefined,
        uniques: step.uniques.length > 0 ? step.uniques : undefined,
        foreignKeys: step.foreignKeys.length > 0 ? step.foreignKeys.map((key) => ({ ...key, referencedTable: key.referencedTable.name })) : undefined,
        checks: step.checks.length > 0 ? step.checks : undefined,
      };
      return `await op.createTable(${js(step.table.name)}, ${columnsObject(step.columns)}, ${js(options)});`;
    }
    case 'dropTable':
      return `await op.dropTable(${js(step.table.name)});`;
    case 'renameTable':
      return `await op.renameTable(${js(step.table.name)}, ${js(step.newName)});`;
    case 'createView':
      return `await op.createView(${js(step.view.name)}, ${js(step.definition)});`;
    case 'dropView':
      return `await op.dropView(${js(step.view.name)});`;
    case 'alterTable': {
      const table = step.table.name;
      if (!step.batch && step.changes.length === 1) return `await ${changeCall(step.changes[0] as TableChange, 'op', table)};`;
      const lines = step.changes.map((change) => `    ${changeCall(change, 'batch', table)};`);
      return `await op.batchAlterTable(${js(table)}, (batch) => {\n${lines.join('\n')}\n  });`;
    }
  }
}

/** The source of a migration file (`.mjs`, no import needed). */
export function renderMigration(revision: string, downRevision: string | null, steps: RevisionSteps): string {
  const body = (list: readonly MigrationStep[]): string => list.map((step) => `    ${renderStep(step)}`).join('\n');
  return `export default {
  revision: ${js(revision)},
  downRevision: ${js(downRevision)},
  message: ${js(`portable schema step ${revision}`)},
  async up(op) {
${body(steps.up)}
  },
  async down(op) {
${body(steps.down)}
  },
};
`;
}

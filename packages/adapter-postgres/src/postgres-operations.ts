/**
 * PostgreSQL's schema-operation compiler and table reader: the kit's MikroORM compiler
 * with PostgreSQL's features (concurrent index builds, `NOT VALID` constraints and
 * `VALIDATE CONSTRAINT`, `IF [NOT] EXISTS` on indexes, `CREATE OR REPLACE VIEW`, native
 * enum types, views kept around a column's new type).
 *
 * @packageDocumentation
 */

import type { QualifiedName, Row, SchemaOperationCompiler, TableDescription } from '@cloudguard/migrate-core/adapter';
import { createOperationCompiler, describeTable } from '@cloudguard/migrate-adapter-kit/operations';
import type { AbstractSqlPlatform } from '@mikro-orm/postgresql';

import { withDependentViews } from './postgres-dependent-views.js';

const DIALECT = 'postgresql';

/** The compiler of `op.createTable` and the rest on PostgreSQL. */
export function postgresOperationCompiler(platform: AbstractSqlPlatform): SchemaOperationCompiler {
  return createOperationCompiler({
    dialect: DIALECT,
    platform,
    features: {
      displayName: 'PostgreSQL',
      concurrentIndexes: true,
      constraintValidation: true,
      indexExistenceClauses: true,
      replaceableViews: true,
      expressionIndexes: true,
    },
    alterTable: withDependentViews,
  });
}

/**
 * Reads a table's definition through MikroORM's PostgreSQL introspection with `query`
 * (in the session's transaction). A table named without a schema is looked up in the
 * session's current schema (the first of its search path).
 */
export async function describePostgresTable(
  platform: AbstractSqlPlatform,
  query: (sql: string, params: readonly unknown[]) => Promise<readonly Row[]>,
  table: QualifiedName,
): Promise<TableDescription | undefined> {
  let defaultSchema: string | undefined;
  if (table.schema === undefined) {
    const [row] = await query('select current_schema() as schema', []);
    defaultSchema = typeof row?.['schema'] === 'string' ? row['schema'] : undefined;
  }
  return describeTable(table, { dialect: DIALECT, platform, defaultSchema, query });
}

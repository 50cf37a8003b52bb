/**
 * MariaDB's schema-operation compiler and table reader: the kit's MikroORM compiler with
 * MariaDB's features (a changed column restates its whole definition, `CREATE OR
 * REPLACE VIEW`, `IF [NOT] EXISTS` on indexes), and MikroORM's MariaDB introspection.
 * An index a foreign key needs is kept when the one serving it is dropped. What MariaDB
 * cannot hold (a partial index, an expression index) is refused with
 * `OPERATION_NOT_SUPPORTED` before anything runs.
 *
 * @packageDocumentation
 */

import type { QualifiedName, Row, SchemaOperationCompiler, TableDescription } from '@cloudguard/migrate-core/adapter';
import { createOperationCompiler, describeTable } from '@cloudguard/migrate-adapter-kit/operations';
import type { AbstractSqlPlatform } from '@mikro-orm/mariadb';

import { keepingForeignKeyIndexes } from './mariadb-foreign-key-indexes.js';

const DIALECT = 'mariadb';

/** The compiler of `op.createTable` and the rest on MariaDB. */
export function mariadbOperationCompiler(platform: AbstractSqlPlatform): SchemaOperationCompiler {
  return createOperationCompiler({
    dialect: DIALECT,
    platform,
    features: { displayName: 'MariaDB', restatesColumnOnAlter: true, replaceableViews: true, indexExistenceClauses: true },
    alterTable: keepingForeignKeyIndexes,
  });
}

/** Reads a table of the connection's database through MikroORM's MariaDB introspection, with `query` (in the session's transaction). */
export async function describeMariaDbTable(
  platform: AbstractSqlPlatform,
  query: (sql: string, params: readonly unknown[]) => Promise<readonly Row[]>,
  table: QualifiedName,
): Promise<TableDescription | undefined> {
  return describeTable(table, { dialect: DIALECT, platform, query });
}

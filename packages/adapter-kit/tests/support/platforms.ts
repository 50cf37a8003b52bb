import type { CompiledOperation, OperationCompileContext, QualifiedName, SchemaOperation, TableDescription } from '@cloudguard/migrate-core/adapter';
import { Configuration } from '@mikro-orm/core';
import { MariaDbDriver } from '@mikro-orm/mariadb';
import { MySqlDriver } from '@mikro-orm/mysql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';
import { SqliteDriver } from '@mikro-orm/sqlite';

import { createOperationCompiler, type OperationDialectFeatures } from '../../src/operations/index.js';

/** The dialects the kit's compiler is tested on, with the features their adapters declare. */
export const DIALECTS = {
  sqlite: { driver: SqliteDriver, features: { displayName: 'SQLite', indexExistenceClauses: true, foreignKeysInCreateTable: true, expressionIndexes: true } },
  postgresql: {
    driver: PostgreSqlDriver,
    features: { displayName: 'PostgreSQL', concurrentIndexes: true, constraintValidation: true, indexExistenceClauses: true, replaceableViews: true, expressionIndexes: true },
  },
  mysql: { driver: MySqlDriver, features: { displayName: 'MySQL', restatesColumnOnAlter: true, replaceableViews: true, expressionIndexes: true } },
  mariadb: { driver: MariaDbDriver, features: { displayName: 'MariaDB', restatesColumnOnAlter: true, replaceableViews: true, indexExistenceClauses: true } },
} satisfies Record<string, { driver: unknown; features: OperationDialectFeatures }>;

export type TestDialect = keyof typeof DIALECTS;

/** MikroORM's platform of a dialect, configured as an adapter's ORM would be, never connected. */
export function platformOf(dialect: TestDialect): AbstractSqlPlatform {
  const { driver } = DIALECTS[dialect];
  const config = new Configuration({ driver, dbName: 'app', allowGlobalContext: true, discovery: { warnWhenNoEntities: false } } as never, false);
  return config.getPlatform() as AbstractSqlPlatform;
}

/**
 * Compiles one operation for a dialect, as core would offline or online: `tables` stand
 * for what the schema model (or the database) knows of the tables before it.
 */
export async function compileFor(
  dialect: TestDialect,
  operation: SchemaOperation,
  options: { inTransaction?: boolean; tables?: readonly TableDescription[] } = {},
): Promise<CompiledOperation> {
  const compiler = createOperationCompiler({ dialect, platform: platformOf(dialect), features: DIALECTS[dialect].features });
  const context: OperationCompileContext = {
    dialect,
    offline: true,
    inTransaction: options.inTransaction ?? true,
    describeTable: async (table: QualifiedName) => options.tables?.find((candidate) => candidate.table.name === table.name),
  };
  return compiler.compile(operation, context);
}

/**
 * `@cloudguard/migrate-adapter-kit/operations`: schema operations (`op.createTable`,
 * `op.addColumn`, …) compiled through MikroORM's platform and schema helper, and a
 * table's definition read back through MikroORM's introspection. MikroORM loads with
 * this entry, which an adapter imports when a migration uses an operation.
 *
 * @packageDocumentation
 */
export { defaultSql, dialectColumnType, enumCheckExpression, toMikroColumn, type DialectColumnType } from './column-sql.js';
export { describeTable, introspectionConnection, isForeignKeyOwnIndex, portableType, type DescribeTableOptions, type IntrospectionQuery } from './describe-table.js';
export { indexStatementParts, type IndexStatementParts } from './index-statement.js';
export {
  createOperationCompiler,
  describeOperation,
  type AlterTableTools,
  type OperationCompilerOptions,
  type OperationDialectFeatures,
} from './operation-compiler.js';
export { qualifiedName, tableDifference, toMikroTable, withIndexExpressions, type MikroTable } from './table-model.js';
export { unconnectedPlatform } from './unconnected-platform.js';

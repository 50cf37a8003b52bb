/**
 * `@cloudguard/migrate-core/adapter`: what an adapter author needs. The contract
 * ({@link DialectAdapter} and what it returns), the shared SQL stores that write the
 * version and audit tables for any dialect described by a {@link SqlStoreDialect}
 * (online and offline), the helpers for driver errors and offline literals, and the
 * registry a CLI plugin fills.
 *
 * A third party's adapter is a dialect record, a connection and a lock; see
 * `docs/writing-an-adapter.md`. Adapters built on MikroORM and Kysely also find the
 * session, transaction and comparator glue of the built-in adapters in
 * `@cloudguard/migrate-adapter-kit`.
 *
 * @packageDocumentation
 */

// the contract
export { ADAPTER_API_VERSION, auditTableFor, DEFAULT_AUDIT_TABLE, lockWaitedMs, MAX_ACCEPT_REASON_LENGTH } from './adapter/dialect-adapter.js';
export type {
  AdapterCapabilities,
  AdapterConnection,
  AuditDirection,
  AuditEntry,
  AuditStore,
  ConnectOptions,
  DialectAdapter,
  LockHolderListener,
  LockWait,
  MigrationLock,
  OfflineAuditStore,
  OfflineRenderer,
  OfflineRenderOptions,
  OfflineStatementSink,
  OfflineVersionStore,
  ScratchDatabase,
  ScratchDatabaseOptions,
  Session,
  VersionStore,
  VersionTableLocation,
} from './adapter/dialect-adapter.js';
export type { Row } from './migration.js';
export type { MigrationClassIdentity, MigrationClassSupport } from './adapter/migration-class-support.js';
export type { MigrationClassFile, MigrationClassFileRequest } from './adapter/migration-class-support.js';

// a migration class's source, read without importing it (adopting an ORM's migration files)
export { readExportedClasses } from './script/exported-classes.js';
export type { ExportedClass, ExportedClasses, HeaderStatic } from './script/exported-classes.js';
export type { HeaderField } from './script/revision-header.js';

// the shared SQL stores
export {
  alembicVersionTableDdl,
  AUDIT_ADDED_COLUMNS,
  AUDIT_COLUMNS,
  AUDIT_ROWS_PER_INSERT,
  auditRowValues,
  auditTableColumns,
  createIfMissing,
  qualifiedTableName,
} from './adapter/sql-store-dialect.js';
export type { AuditColumnTypes, OutsideSession, SqlStoreDialect } from './adapter/sql-store-dialect.js';
export { SqlVersionStore } from './adapter/sql-version-store.js';
export { SqlAuditStore } from './adapter/sql-audit-store.js';
export { createSqlStores, storeReader } from './adapter/sql-stores.js';
export { SqlOfflineAuditStore, SqlOfflineVersionStore } from './offline/offline-stores.js';

// driver errors, URLs and secrets
export { attachSql, hasErrorCode, redactedDatabaseError } from './adapter/driver-errors.js';
export { redactSecrets, redactUrl, urlScheme } from './adapter/database-url.js';

// offline rendering (`--sql`)
export { bytesToHex, inlineParameters, literalWriter, quoteSqlString, replacePlaceholders, signedLiteral } from './offline/sql-literal.js';
export type { LiteralSpelling, PlaceholderSyntax, ReplacedPlaceholders } from './offline/sql-literal.js';
export { createRecordingDriver } from './offline/recording-driver.js';
export type { RecordedQuery, RecordingDatabaseConnection, RecordingDriver } from './offline/recording-driver.js';
export { renderOfflineScript } from './offline/offline-script.js';
export type { OfflineBlock, OfflineEntry } from './offline/offline-script.js';

// schema operations (`op.createTable`, …): the compiler an adapter provides, and what it compiles
export type { CompiledOperation, OperationCompileContext, SchemaOperationCompiler } from './adapter/schema-operation-compiler.js';

// reading SQL (`statementReader`): what a statement touches, for branch-conflict detection
export type { StatementReader, StatementReading } from './adapter/statement-reader.js';
export type { LintedOperation, LintSettings, LintStatement, StatementLinter, StatementLinterOptions, StatementLintHit, StatementsLint } from './adapter/statement-linter.js';
export type { StatementFactCache, StatementFactReader } from './adapter/statement-fact-cache.js';
export { LINT_RULES, lintRule, lintRuleAnchor } from './lint/lint-rules.js';
export type { LintDialect, LintRule, LintRuleFamily, LintSeverity } from './lint/lint-rules.js';
export { describeTouch, touchesMeet, touchesOfOperation } from './operations/touched-object.js';
export type { IdentifierRules, TouchAction, TouchedObject, TouchedPart, TouchedPartKind } from './operations/touched-object.js';
export { PORTABLE_COLUMN_TYPES } from './operations/schema-operation.js';
export { applyTableChanges, hasTypeChange, namesColumn, primaryKeyColumns } from './operations/table-changes.js';
export { SchemaModel } from './operations/schema-model.js';
export type { ModelAnswer, ViewDescription } from './operations/schema-model.js';
export type {
  AlterColumnChanges,
  AlterTableOperation,
  CheckDefinition,
  ColumnDefault,
  ColumnDefinition,
  ColumnReference,
  ColumnType,
  ConstraintType,
  CreateTableOperation,
  CreateViewOperation,
  DropTableOperation,
  DropViewOperation,
  ForeignKeyDefinition,
  IndexDefinition,
  IndexKey,
  NamedColumn,
  PortableColumnType,
  PrimaryKeyDefinition,
  QualifiedName,
  ReferentialAction,
  RenameTableOperation,
  SchemaOperation,
  SchemaOperationKind,
  SqlExpression,
  TableChange,
  TableChangeKind,
  TableDescription,
  UniqueDefinition,
} from './operations/schema-operation.js';

// comparing entities with a database (`revision --autogenerate`, `check`)
export type {
  SchemaChange,
  SchemaChangeAction,
  SchemaCheckQuery,
  SchemaCompareRequest,
  SchemaComparison,
  SchemaDiffer,
  SchemaObjectFilter,
  SchemaObjectRef,
  SchemaObjectType,
  SchemaPropertyChange,
  SchemaSnapshot,
} from './adapter/schema-change.js';
export { catalogDifference, catalogKey, catalogSnapshot, describeCatalogRow } from './adapter/schema-snapshot.js';
export type { CatalogRow, CatalogSnapshot } from './adapter/schema-snapshot.js';
export { describeSchemaDifference, filterComparedSchemas } from './autogenerate/describe-difference.js';
export type {
  ComparedCheck,
  ComparedColumn,
  ComparedEnum,
  ComparedForeignKey,
  ComparedIndex,
  ComparedSchemaDifference,
  ComparedTable,
  ComparedTableDifference,
  FilterableSchema,
} from './autogenerate/describe-difference.js';
export { splitStatements } from './autogenerate/split-statements.js';
export { reviewComment, singleQuotedLiteral } from './autogenerate/render-changes.js';

// finding adapters: the registry, the built-in packages and the CLI plugin hook
export {
  adapterOf,
  AdapterRegistry,
  assertCompatibleAdapter,
  BUILTIN_ADAPTERS,
  builtinAdapterRegistry,
  CLI_ADAPTER_HOOK,
  importAdapterPackage,
} from './adapter/adapter-registry.js';
export type { AdapterChoice, AdapterModule, AdapterRegistration } from './adapter/adapter-registry.js';

// errors: every class with its stable code, and the brand check that works across copies of core
export * from './errors.js';

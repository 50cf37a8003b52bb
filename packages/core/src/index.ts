/**
 * `@cloudguard/migrate-core`: Alembic-style schema migrations for TypeScript.
 *
 * The data flows config → script directory → revision map → plan → runner →
 * adapter → database; each arrow is one module here, and none of them loads an
 * ORM or a driver.
 *
 * @packageDocumentation
 */

// migration contract
export { defineMigration } from './migration.js';
export type { Migration, MigrationOperations, RevisionList, Row } from './migration.js';

// configuration
export { defineConfig, DEFAULT_DATABASE_URL, DEFAULT_FILE_TEMPLATE, DEFAULT_SCRIPT_LOCATION, DEFAULT_VERSION_TABLE } from './config/define-config.js';
export type { MigrateConfig, ResolvedConfig } from './config/define-config.js';
export { loadConfig, validateConfig, CONFIG_FILE_NAMES } from './config/load-config.js';
export type { LoadConfigOptions } from './config/load-config.js';
export { redactUrl, redactSecrets, urlScheme } from './config/database-url.js';

// revisions
export { RevisionMap } from './revision/revision-map.js';
export { createRevision, assertValidRevisionId, MAX_REVISION_ID_LENGTH } from './revision/revision.js';
export type { Revision, RevisionInput } from './revision/revision.js';
export { generateRevisionId } from './revision/revision-target.js';
export { ScriptDirectory, type SkippedScriptFile } from './script/script-directory.js';
export type { ScriptDirectoryIo } from './script/script-directory.js';
export { HeaderIndex, isFileStamp, type FileStamp } from './script/header-index.js';
export { DEFAULT_REVISION_TEMPLATE, REVISION_TEMPLATE_FILE } from './script/revision-template.js';
export { useModuleHooksForMigrations } from './script/migration-import.js';

// adapter contract
export { ADAPTER_API_VERSION, lockWaitedMs } from './adapter/dialect-adapter.js';
export type {
  AdapterCapabilities,
  AdapterConnection,
  ConnectOptions,
  DialectAdapter,
  LockWait,
  MigrationLock,
  Session,
  VersionStore,
  VersionTableLocation,
} from './adapter/dialect-adapter.js';
export { AdapterRegistry, assertCompatibleAdapter } from './adapter/adapter-registry.js';
export type { AdapterRegistration } from './adapter/adapter-registry.js';

// running
export { describeStep } from './runtime/events.js';
export type { MigrationEvent, MigrationEventListener, StepInfo, StepResult } from './runtime/events.js';

// commands
export { createEnvironment } from './commands/environment.js';
export type { EnvironmentOptions, MigrationEnvironment } from './commands/environment.js';
export type { RevisionSummary } from './commands/revision-summary.js';
export { init } from './commands/init.js';
export type { InitOptions, InitResult } from './commands/init.js';
export { revision, autogenerateRevision, NO_CHANGES_MESSAGE } from './commands/revision.js';
export type { AutogenerateOptions, AutogenerateResult, RevisionOptions, RevisionResult } from './commands/revision.js';
export { upgrade, downgrade } from './commands/upgrade.js';
export type { DowngradeOptions, DowngradeResult, MigrateResult, UpgradeOptions, UpgradeResult } from './commands/upgrade.js';
export { current } from './commands/current.js';
export type { CurrentResult } from './commands/current.js';
export { history } from './commands/history.js';
export { merge } from './commands/merge.js';
export type { MergeOptions } from './commands/merge.js';
export { heads, branches, show } from './commands/inspect.js';
export type { HeadsOptions, HeadsResult, RevisionsResult } from './commands/inspect.js';
export { stamp } from './commands/stamp.js';
export type { StampOptions } from './commands/stamp.js';
export type { HistoryOptions, HistoryResult } from './commands/history.js';

// errors
export * from './errors.js';

// audit, retries and checks (issue 4)
export { auditTableFor, DEFAULT_AUDIT_TABLE } from './adapter/dialect-adapter.js';
export type { AuditDirection, AuditEntry, AuditStore } from './adapter/dialect-adapter.js';
export { appliedEntries, describeEditedMigration, fileChecksum, findEditedMigrations } from './runtime/audit.js';
export type { AuditIdentity, EditedMigration } from './runtime/audit.js';
export { checkLockRetry, DEFAULT_LOCK_RETRY, resolveLockRetry } from './config/lock-retry-policy.js';
export type { LockRetryPolicy } from './config/lock-retry-policy.js';
export type { WarningCode } from './runtime/events.js';
export { check, readDatabaseState } from './commands/check.js';
export type { CheckOptions, CheckProblem, CheckProblemCode, CheckResult, DatabaseState } from './commands/check.js';

// autogenerate and schema drift (issue 5)
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
} from './autogenerate/schema-change.js';
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
export { describeChange, renderOperations, reviewNotes } from './autogenerate/render-changes.js';
export { splitStatements } from './autogenerate/split-statements.js';
export { schemaFilter } from './autogenerate/schema-filter.js';
export type { SchemaFilterOptions } from './autogenerate/schema-filter.js';

// programmatic API for services (issue 6)
export { checkMigrations, hasPendingMigrations, MigrationManager, registerAdapter, registeredAdapters, upgradeDatabase } from './api/index.js';
export type { MigrationApiOptions, MigrationLogger, StampCallOptions, StampResult, UpgradeDatabaseOptions } from './api/index.js';
export { BUILTIN_ADAPTERS, CLI_ADAPTER_HOOK, adapterOf, builtinAdapterRegistry, importAdapterPackage } from './adapter/adapter-registry.js';
export type { AdapterChoice, AdapterModule } from './adapter/adapter-registry.js';
// offline mode, --sql (issue 6)
export { upgradeSql, downgradeSql, stampSql } from './commands/offline-sql.js';
export type { DowngradeSqlOptions, OfflineScriptResult, StampSqlOptions, UpgradeSqlOptions } from './commands/offline-sql.js';
export type { OfflineBlock, OfflineEntry } from './offline/offline-script.js';
export { renderOfflineScript } from './offline/offline-script.js';
export { SqlOfflineVersionStore } from './offline/offline-version-store.js';
export { bytesToHex, inlineParameters, quoteSqlString, replacePlaceholders } from './offline/sql-literal.js';
export type { ReplacedPlaceholders } from './offline/sql-literal.js';
export type { PlaceholderSyntax } from './offline/sql-literal.js';
export { createRecordingDriver } from './offline/recording-driver.js';
export type { RecordedQuery, RecordingDatabaseConnection, RecordingDriver } from './offline/recording-driver.js';
export type {
  OfflineAuditStore,
  OfflineRenderer,
  OfflineRenderOptions,
  OfflineStatementSink,
  OfflineVersionStore,
} from './adapter/dialect-adapter.js';
// post-write hooks (issue 5)
export { runPostWriteHooks, hookArguments, FILE_TOKEN, DEFAULT_HOOK_TIMEOUT_MS } from './hooks/post-write-hooks.js';
export type { CommandHook, FunctionHook, PostWriteHook, PostWriteHookRun } from './hooks/post-write-hooks.js';

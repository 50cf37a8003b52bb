/**
 * `@cloudguard/migrate-core`: Alembic-style schema migrations for TypeScript.
 *
 * This entry is for migration files, configuration files and the services and tools
 * that run migrations. Adapter authors find the adapter contract and the shared SQL
 * stores in `@cloudguard/migrate-core/adapter`; tests find the in-memory adapter in
 * `/testing` and the adapter conformance suite in `/conformance`.
 *
 * The data flows config → script directory → revision map → plan → runner →
 * adapter → database; none of these loads an ORM or a driver.
 *
 * @packageDocumentation
 */

// ── Migration files ──────────────────────────────────────────────────────────────
export { defineMigration } from './migration.js';
export type { Migration, MigrationOperations, RevisionList, Row } from './migration.js';
export { PORTABLE_COLUMN_TYPES } from './operations/schema-operation.js';
export type {
  AlterColumnChanges,
  ColumnDefault,
  ColumnDefinition,
  ColumnReference,
  ColumnType,
  ConstraintType,
  IndexKey,
  PortableColumnType,
  PrimaryKeyDefinition,
  ReferentialAction,
  SqlExpression,
} from './operations/schema-operation.js';
export type {
  BatchTableOperations,
  ConstraintValidationOptions,
  CreateIndexOptions,
  CreateTableForeignKey,
  CreateTableIndex,
  CreateTableOptions,
  DropIndexOptions,
  ForeignKeyOptions,
  IndexOptions,
  MigrationSchemaOperations,
  SchemaOption,
  StatementPerDialect,
} from './operations/operation-methods.js';

// ── Configuration files ──────────────────────────────────────────────────────────
export { defineConfig, DEFAULT_DATABASE_URL, DEFAULT_FILE_TEMPLATE, DEFAULT_SCRIPT_LOCATION, DEFAULT_VERSION_TABLE } from './config/define-config.js';
export type { MigrateConfig, ResolvedConfig } from './config/define-config.js';
export { checkLockRetry, DEFAULT_LOCK_RETRY, resolveLockRetry } from './config/lock-retry-policy.js';
export type { LockRetryPolicy } from './config/lock-retry-policy.js';
export { schemaFilter } from './autogenerate/schema-filter.js';
export type { SchemaFilterOptions } from './autogenerate/schema-filter.js';
export type { SchemaObjectFilter, SchemaObjectRef, SchemaObjectType } from './adapter/schema-change.js';
export type { CommandHook, FunctionHook, PostWriteHook, PostWriteHookRun } from './hooks/post-write-hooks.js';
export type { AdapterCapabilities, DialectAdapter } from './adapter/dialect-adapter.js';

// ── Services: the programmatic API ───────────────────────────────────────────────
export { checkMigrations, fleetStatus, hasPendingMigrations, migrateFleet, MigrationManager, registerAdapter, registeredAdapters, upgradeDatabase } from './api/index.js';
export type { FleetApiOptions, MigrateFleetOptions, MigrationApiOptions, MigrationLogger, StampCallOptions, StampResult, UpgradeDatabaseOptions } from './api/index.js';
export type { AdapterRegistration } from './adapter/adapter-registry.js';
export { describeLockWait, describeStep } from './runtime/events.js';
export type { LockWaitEvent, MigrationEvent, MigrationEventListener, StepInfo, StepResult, WarningCode } from './runtime/events.js';
export { useModuleHooksForMigrations } from './script/migration-import.js';
export { redactUrl, redactSecrets, sameDatabaseUrl } from './adapter/database-url.js';

// ── Tools: one function per command, as Alembic's `command` module ───────────────
export { loadConfig, validateConfig, CONFIG_FILE_NAMES } from './config/load-config.js';
export type { LoadConfigOptions } from './config/load-config.js';
export { createEnvironment, inspectDatabase } from './commands/environment.js';
export type { EnvironmentOptions, MigrationEnvironment } from './commands/environment.js';
export type { RevisionSummary } from './commands/revision-summary.js';
export { init } from './commands/init.js';
export type { InitOptions, InitResult } from './commands/init.js';
export { revision, autogenerateRevision, NO_CHANGES_MESSAGE } from './commands/revision.js';
export type { AutogenerateOptions, AutogenerateResult, RevisionOptions, RevisionResult } from './commands/revision.js';
export { REVISION_FORMATS } from './commands/migration-class-file.js';
export type { RevisionFormat } from './commands/migration-class-file.js';
export { upgrade, downgrade } from './commands/upgrade.js';
export type { DowngradeOptions, DowngradeResult, MigrateResult, UpgradeOptions, UpgradeResult } from './commands/upgrade.js';
export { current } from './commands/current.js';
export type { CurrentResult } from './commands/current.js';
export { history } from './commands/history.js';
export type { HistoryOptions, HistoryResult } from './commands/history.js';
export { merge } from './commands/merge.js';
export type { MergeOptions } from './commands/merge.js';
export { heads, branches, show } from './commands/inspect.js';
export type { HeadsOptions, HeadsResult, RevisionsResult } from './commands/inspect.js';
export { checkHeads } from './commands/check-heads.js';
export type { AmbiguousHeadEntry, CheckedHead, HeadsCheck } from './commands/check-heads.js';
export { stamp } from './commands/stamp.js';
export type { StampOptions } from './commands/stamp.js';
export { check, readDatabaseState } from './commands/check.js';
export { describeUnreadable, findBranchConflicts } from './commands/branch-conflicts.js';
export type { BranchComparisonScope, BranchConflict, BranchConflictOptions, BranchConflictReport, UnreadableRevision } from './commands/branch-conflicts.js';
export type { AcknowledgedConflict, ConflictObject, ConflictSide } from './revision/branch-conflict-finder.js';
export type { BranchMeeting } from './revision/concurrent-revisions.js';
export type { TouchAction, TouchedObject, TouchedPart, TouchedPartKind } from './operations/touched-object.js';
export type { CheckOptions, CheckProblem, CheckProblemCode, CheckResult, DatabaseState } from './commands/check.js';
export { acceptEditedMigration } from './commands/accept-edit.js';
export type { AcceptEditedMigrationOptions, AcceptEditedMigrationResult } from './commands/accept-edit.js';
export { abbreviateChecksum } from './runtime/audit.js';
export type { AcceptedEdit, EditedMigration } from './runtime/audit.js';
export { MAX_ACCEPT_REASON_LENGTH } from './adapter/dialect-adapter.js';
export { verify } from './commands/verify.js';
// Fleets: one command over many databases and schemas.
export {
  changesTargets,
  DEFAULT_FLEET_CONCURRENCY,
  defaultTargetName,
  describeError,
  describeSource,
  fleetStatus as readFleetStatus,
  fleetTask,
  parseShard,
  parseWaveSize,
  preloadScripts,
  readFleetReport,
  readTargetSource,
  runFleet,
  runFleetCommand,
  selectFleetTargets,
  selectShard,
  selectUnfinished,
  shardOf,
  splitIntoWaves,
  splitSchema,
  summarize,
  targetEnvironment,
  unfinishedTargets,
  writeFleetReport,
} from './fleet/index.js';
export type {
  FleetCommand,
  FleetCommandName,
  FleetCommandOptions,
  FleetEvent,
  FleetReport,
  FleetRunResult,
  FleetScheduleOptions,
  FleetSelection,
  FleetStatus,
  FleetStatusOptions,
  FleetStopReason,
  FleetSummary,
  FleetTarget,
  FleetTargetSource,
  FleetTargetSpec,
  LastRun,
  Shard,
  TargetError,
  TargetOutcome,
  TargetQuery,
  TargetState,
  TargetStatus,
  TargetTask,
  TargetTaskContext,
  TargetWork,
  WaveSize,
} from './fleet/index.js';
export type {
  VerifyCheck,
  VerifyCheckStatus,
  VerifyDirection,
  VerifyFinding,
  VerifyFindingCode,
  VerifyOptions,
  VerifyProgress,
  VerifyResult,
} from './commands/verify.js';
export { upgradeSql, downgradeSql, stampSql } from './commands/offline-sql.js';
export { lint } from './commands/lint.js';
export type { LintDatabase, LintOptions, LintResult, LintScope } from './commands/lint.js';
export type { ConfiguredSeverity, LintFinding } from './lint/lint-revisions.js';
export { LINT_RULES, lintRule, lintRuleAnchor } from './lint/lint-rules.js';
export type { LintDialect, LintRule, LintRuleFamily, LintSeverity } from './lint/lint-rules.js';
export { IGNORE_MARKER } from './lint/ignore-comments.js';
export { closestName, editDistance } from './closest-name.js';
export type { LintConfig } from './config/define-config.js';
export type { DowngradeSqlOptions, OfflineScriptResult, StampSqlOptions, UpgradeSqlOptions } from './commands/offline-sql.js';
export type { SchemaChange, SchemaChangeAction, SchemaPropertyChange } from './adapter/schema-change.js';

// ── The revision graph and the script directory ──────────────────────────────────
export { RevisionMap } from './revision/revision-map.js';
export { createRevision, assertValidRevisionId, MAX_REVISION_ID_LENGTH } from './revision/revision.js';
export type { Revision, RevisionInput } from './revision/revision.js';
export { generateRevisionId } from './revision/revision-target.js';
export {
  ScriptDirectory,
  type MigrationClassAdapter,
  type ScriptDirectoryIo,
  type ScriptDirectoryOptions,
  type SkippedScriptFile,
} from './script/script-directory.js';
export { DEFAULT_REVISION_TEMPLATE, REVISION_TEMPLATE_FILE } from './script/revision-template.js';

// ── Errors: every class, its stable code, and the brand check ────────────────────
export * from './errors.js';

import type {
  AdapterNotFoundError,
  AmbiguousStepError,
  CheckResult,
  ConfigInvalidError,
  DuplicateBranchLabelError,
  FileExistsError,
  InvalidReasonError,
  IrreversibleMigrationError,
  MalformedMigrationError,
  MigrationFormatNotSupportedError,
  MigrateError,
  MigrationFailedError,
  MigrationFileUnreadableError,
  MigrateErrorCode,
  MikroOrmConfigInvalidError,
  MikroOrmImportRefusedError,
  MissingParentError,
  MultipleHeadsError,
  OverlappingRevisionsError,
  PostWriteHookError,
  ShadowDatabaseUnusableError,
  RevisionNotFoundError,
  RevisionNotInBranchError,
  UnexpectedHeadsError,
} from '@cloudguard/migrate-core';
import { closestName } from '@cloudguard/migrate-core';

/**
 * The error reference: every error code has a section (message, cause, fix) under a
 * heading that is the code itself. The build copies it into the package, where
 * `cgmigrate explain CODE` reads it, so errors point at that command rather than at this
 * repository path, which a global install does not have.
 */
export const ERRORS_DOC = 'docs/errors.md';

/**
 * The command that prints the section of {@link ERRORS_DOC} about an error code, offline:
 * the reference ships with the CLI, so the line every error ends with works wherever the
 * CLI is installed.
 *
 * ### Examples
 * ```ts
 * explainCommandFor('LOCK_TIMEOUT', 'cgmigrate') // 'cgmigrate explain LOCK_TIMEOUT'
 * ```
 */
export function explainCommandFor(code: string, bin: string): string {
  return `${bin} explain ${code}`;
}

/** What a hint may take into account besides the error itself. */
export interface HintContext {
  /** The command that failed, e.g. `upgrade` or `revision`. */
  readonly command?: string | undefined;
  /** The executable name shown in commands; `cgmigrate`. */
  readonly bin?: string | undefined;
  /** The URL schemes that have an adapter, for ADAPTER_NOT_FOUND. */
  readonly schemes?: readonly string[] | undefined;
}

type ErrorOf<C extends MigrateErrorCode> = MigrateError & { readonly code: C };
interface ResolvedHintContext {
  readonly command: string;
  readonly bin: string;
  readonly schemes: readonly string[];
}
type Hint<E extends MigrateError = MigrateError> = (error: E, context: ResolvedHintContext) => string | undefined;

const URL_FORMS =
  'Database URLs look like sqlite:///relative/path.db (relative to the working directory), ' +
  'sqlite:////absolute/path.db, or postgresql://user@host:5432/dbname (with the password after the user as user:password@ when needed). ' +
  'Set one with --url, the DATABASE_URL environment variable, or `url` in cgmigrate.config.ts.';

/**
 * The remedies, written once, by error code: the role of Alembic's
 * `_catch_revision_errors`. Core's messages state what went wrong; these say what to
 * do next. A code without an entry gets no hint.
 */
const HINTS: { readonly [C in MigrateErrorCode]?: Hint<ErrorOf<C>> } = {
  REVISION_NOT_FOUND: (error, { bin, command }) => {
    const { revision, source } = error as RevisionNotFoundError;
    if (source !== 'database') return `Run \`${bin} history\` to list the revisions; a unique prefix of an id is enough.`;
    const fact = `The database is at revision '${revision}', but no migration file defines it.`;
    // Without --purge, stamp reads the current rows as well, and fails on the unknown one like every other command.
    if (command === 'stamp') {
      return `${fact} Add --purge to replace it (e.g. \`${bin} stamp head --purge\`), or check out the branch that has that migration.`;
    }
    return (
      `${fact} Check out the branch that has that migration, or, if the schema matches a known revision, ` +
      `record that one in its place with \`${bin} stamp <revision> --purge\` (for instance \`${bin} stamp head --purge\`).`
    );
  },
  AMBIGUOUS_REVISION: () => 'Type more characters of the revision id, so that only one revision starts with them.',
  MULTIPLE_HEADS: (error, { bin, command }) => {
    const { perHead } = error as MultipleHeadsError;
    if (perHead !== undefined && perHead.length > 0) {
      const commands = perHead.map((target, i) => `\`${bin} ${command ?? 'downgrade'} ${target}\` (${(error as MultipleHeadsError).heads[i]})`);
      return `The database has several heads, so a relative step does not say which branch goes down. Name the head: ${commands.join(' or ')}.`;
    }
    const heads = (error as MultipleHeadsError).heads.join(', ');
    if (command === 'import:mikro-orm') {
      return `The adopted revisions go on top of the one head of versions/ (${heads}): join the heads with \`${bin} merge heads -m "Merge heads"\`, then import again. Nothing was written.`;
    }
    if (command === 'revision') {
      return `Choose the parent with \`--head <revision>\` (one of ${heads}) or \`--head <branch>@head\`, or join the heads first with \`${bin} merge heads -m "Merge heads"\`.`;
    }
    const all = command === 'stamp' || command === 'show' ? `\`${bin} ${command} heads\`` : `\`${bin} upgrade heads\``;
    return (
      `Name every head with ${all}, one branch with \`<branch>@head\` or a revision id (${heads}), ` +
      `or join the heads into one with \`${bin} merge heads -m "Merge heads"\`.`
    );
  },
  REVISION_CYCLE: () => 'Fix `downRevision` in the migration files named above so that every chain ends at a base revision.',
  DEPENDENCY_CYCLE: () => 'Fix `downRevision` or `dependsOn` in the migration files named above so that they no longer loop.',
  RANGE_NOT_ANCESTOR: () =>
    'A range is lower:upper where lower is an ancestor of upper, e.g. base:head, -3:, current:head or ae10:.',
  INVALID_REVISION_ID: () => 'Revision ids use letters, digits, "_" and "." (at most 32 characters); choose another --rev-id.',
  DUPLICATE_REVISION: () =>
    'Give one of the files a new revision id, and update any `downRevision` that pointed at the id it had.',
  DUPLICATE_BRANCH_LABEL: (error, { command }) => {
    const { label, revision, usedBy } = error as DuplicateBranchLabelError;
    const rename = `'${label}' in the migration file of revision ${revision} or ${usedBy}`;
    const what = command === 'revision' || command === 'merge' ? `Pass another --branch-label, or rename ${rename}` : `Rename ${rename}`;
    return `${what}: a label names one branch, so it must be unique and must not equal a revision id.`;
  },
  REVISION_NOT_IN_BRANCH: (error, { bin }) => {
    const { revision, branch } = error as RevisionNotInBranchError;
    return (
      `Name a revision of branch '${branch}' after \`${branch}@\`, or drop the \`${branch}@\` prefix to name ${revision} by itself; ` +
      `\`${bin} show ${branch}@head\` and \`${bin} history\` show which revisions carry the label.`
    );
  },
  OVERLAPPING_REVISIONS: (error, { bin }) => {
    const { revision, overlaps, source } = error as OverlappingRevisionsError;
    if (source === 'database') {
      return (
        `The version table records ${revision} and also ${overlaps.join(', ')}, which ${revision} already includes ` +
        `(another tool wrote both). Keep one row per branch: \`${bin} stamp --purge <each branch's revision>\` ` +
        `(for instance \`${bin} stamp --purge ${revision}\` when it is the only branch), then run the command again.`
      );
    }
    return (
      `Name only the newest revision of each branch: ${revision} already includes ${overlaps.join(', ')}, ` +
      `so \`${bin} stamp ${revision}\` records them all.`
    );
  },
  MISSING_PARENT: (error) => {
    const missing = error as MissingParentError;
    return `Restore the migration that defines '${missing.missing}', or correct \`${missing.relation}\`${missing.path ? ` in ${missing.path}` : ''}.`;
  },
  AMBIGUOUS_STEP: (error, { bin, command }) => {
    const { choices, walk } = error as AmbiguousStepError;
    const verb = command === 'history' ? 'history -r' : command;
    // Ways that meet again (`+2` through either parent of a merge) reach one target: one command, every way named.
    const targets = [...new Set(choices.map((choice) => choice.target))];
    const commands = targets.map((target) => {
      const through = choices.filter((choice) => choice.target === target).map((choice) => choice.through);
      return `\`${bin} ${verb} ${target}\` (through ${through.join(', ')})`;
    });
    const why = walk === 'up' ? 'A relative step does not choose a branch' : 'This relative step does not choose a parent of a merge';
    return commands.length === 1
      ? `${why}; to take all the steps, run ${commands[0]}.`
      : `${why}; run the one you mean: ${commands.join(' or ')}.`;
  },
  LINT_FAILED: (_error, { bin }) =>
    `Rewrite each statement in its safe form (docs/lint.md, a section per rule), or if it is safe here, write \`// cgmigrate-lint-ignore RULE_ID why\` on the line above it. \`${bin} lint\` shows the findings without running anything; \`${bin} upgrade --lint warn\` runs anyway.`,
  UNEXPECTED_HEADS: (error, { bin }) => {
    const { expectedHeads, extraHeads, missingHeads, ambiguousHeads, heads } = error as UnexpectedHeadsError;
    const merge = `\`${bin} merge heads -m "Merge heads"\``;
    if (expectedHeads === undefined) {
      return (
        `Join the branches with ${merge}, then commit the new migration file. If they are meant to stay apart, ` +
        `declare them in cgmigrate.config.ts: \`expectedHeads: [${heads.map((id) => `'${id}'`).join(', ')}]\` (a branch label of each is steadier than its id).`
      );
    }
    const fixes = [
      ...(extraHeads.length > 0 ? [`join ${extraHeads.join(', ')} into another branch with \`${bin} merge <revisions> -m "…"\` (or ${merge}), or add ${extraHeads.length === 1 ? 'it' : 'them'} to expectedHeads`] : []),
      ...(missingHeads.length > 0 ? [`change or remove ${missingHeads.map((entry) => `'${entry}'`).join(', ')} in expectedHeads (\`${bin} heads\` lists the heads)`] : []),
      ...(ambiguousHeads.length > 0 ? [`name one head per entry instead of ${ambiguousHeads.map(({ entry }) => `'${entry}'`).join(', ')} (a revision id, or a label only that head carries)`] : []),
    ];
    return `${fixes.join('; ')}.`.replace(/^./, (first) => first.toUpperCase());
  },
  INVALID_TARGET: (_error, { bin, command }) => {
    switch (command) {
      case 'downgrade':
        return `Downgrade targets are -N (steps down), a revision id below the current one, base, or <label>@base; \`${bin} current\` shows where the database is.`;
      case 'upgrade':
        return `Upgrade targets are head, heads, +N (steps up), a revision id above the current one, or <label>@head; \`${bin} current\` shows where the database is.`;
      case 'merge':
        return `Name two or more revisions to merge, or \`heads\` when there are several heads; \`${bin} heads\` lists them.`;
      case 'history':
        return 'A range is lower:upper, e.g. base:head, -3:, current: or ae10:head.';
      case 'revision':
        return (
          `\`--head\` takes a head revision (\`${bin} heads\` lists them), \`<branch>@head\` or \`base\`. To add a revision ` +
          'after one that is not a head, pass `--splice`: splicing starts a new branch from that revision, so the scripts get one more head.'
        );
      case 'stamp':
        return `Stamp takes ids or prefixes, head, heads, <label>@head, base, -N (below the heads of the scripts), <label>@-N or <revision>±N; \`${bin} history\` lists them.`;
      default:
        return `Run \`${bin} history\` to see the revisions you can name.`;
    }
  },
  SCRIPT_LOCATION_NOT_FOUND: (_error, { bin }) =>
    `Create it with \`${bin} init\`, or set \`scriptLocation\` in cgmigrate.config.ts (relative to the config file), ` +
    'or point --config at the project\'s config file.',
  MALFORMED_MIGRATION: (error, { bin }) => {
    const malformed = error as MalformedMigrationError;
    if (malformed.adapter !== undefined) {
      return (
        `Run ${malformed.path} on an adapter that implements migrationClasses() (cgmigrate's sqlite and postgres adapters run MikroORM's classes), ` +
        'or rewrite it as `export default { revision, downRevision, up(op), down(op) }` (see the revision template in the script location).'
      );
    }
    if (malformed.migrationClass !== undefined) {
      return (
        `Fix ${malformed.path}: give the class \`static revision = '<id>'\` and \`static downRevision = …\` (null for the first revision) ` +
        `as literals, which cgmigrate reads without importing the file; or adopt a MikroORM project with \`${bin} import mikro-orm\`.`
      );
    }
    return (
      `Fix or remove ${malformed.path}: a migration file default-exports ` +
      '{ revision, downRevision, up(op), down(op) } (see the revision template in the script location).'
    );
  },
  TEMPLATE_NOT_FOUND: (_error, { bin }) =>
    `Restore the template, or run \`${bin} init <new-directory>\` and copy the one it writes.`,
  INVALID_MESSAGE: (_error, { bin }) => `Describe the change with -m, e.g. \`${bin} revision -m "Add scan duration"\`.`,
  FILE_EXISTS: (error, { command }) => {
    if (command === 'init') return 'Choose a directory that does not exist yet or is empty.';
    const { path } = error as FileExistsError;
    // A MikroORM class is named by the second it was written in, not by its id or message.
    if (/[\\/]Migration\d{14}(?:_[^\\/]*)?\.ts$/.test(path)) return `Another migration was written in the same second as ${path}: run the command again.`;
    return `Move ${path} away, or pass another --rev-id or message.`;
  },
  MIGRATION_FORMAT_NOT_SUPPORTED: (error) => {
    const { problem } = error as MigrationFormatNotSupportedError;
    if (problem === 'contents') return "Leave --as out, or pass --as sql: a MikroORM migration class holds the database's SQL. Nothing was written.";
    if (problem === 'file-name') return "The adapter's renderMigrationFile named the file wrongly: report it to the adapter's authors, and write the revision without --format meanwhile. Nothing was written.";
    return "Leave --format out to write cgmigrate's own format, or use an adapter whose migrationClasses() implements renderMigrationFile (see docs/writing-an-adapter.md). Nothing was written.";
  },
  MIGRATION_FAILED: (error, { bin }) => {
    const current = `\`${bin} current\` shows the revision the database is at now`;
    const byHand =
      'inspect the schema, undo or finish those statements by hand, then either record the revision the schema now ' +
      `matches with \`${bin} stamp <revision>\`, or fix the migration and run the command again; ${current}.`;
    const cause = (error as MigrationFailedError).cause;
    const code = (cause as { code?: unknown } | null | undefined)?.code;
    const causeCode = typeof code === 'string' && OPERATION_CAUSES.has(code) ? code : undefined;
    const aboutCause = causeCode === undefined ? '' : ` \`${explainCommandFor(causeCode, bin)}\` tells what the schema operation needs.`;
    switch ((error as MigrationFailedError).rolledBack) {
      case true:
        return `The failing migration's changes were rolled back. Fix it and run the command again; ${current}.${aboutCause}`;
      case false:
        return (
          'The statements the failing migration ran before the failure may have committed: nothing was rolled back ' +
          '(it ran outside a transaction, `transactional: false`, or the database committed its DDL by itself, as the ' +
          `error says). Check the schema: ${byHand}`
        );
      default:
        return (
          'Whether all of the failing migration was undone is not known: its transaction was rolled back, but this ' +
          'database commits DDL by itself (no transactional DDL), so statements it ran before the failure may have ' +
          `stayed. Check the schema; if any did, ${byHand}`
        );
    }
  },
  INTERRUPTED: (_error, { bin }) =>
    `Run the command again when ready: it continues from where the database is (\`${bin} current\` shows it).`,
  IRREVERSIBLE_MIGRATION: (error) => {
    const { revision, path } = error as IrreversibleMigrationError;
    return `Add a down() to ${path ?? `revision ${revision}`}, or downgrade only to a revision above ${revision}. Nothing was changed.`;
  },
  LOCK_TIMEOUT: () =>
    'Another cgmigrate run is migrating this database. Wait for it to finish, or raise `lockTimeout` (milliseconds) in cgmigrate.config.ts.',
  LOCK_LOST: (_error, { bin }) =>
    'The session that held the lock ended or dropped it (a DBA or watchdog ending it, a server restart, a network fault), ' +
    'so another cgmigrate run may have started on this database. Let that run finish, check ' +
    `\`${bin} current\`, then run the command again: it continues from what committed. A \`transactional: false\` ` +
    'migration named as not recorded has applied its statements: check them before running again.',
  LOCK_UNAVAILABLE: () =>
    'This is not another run holding the lock: the lock itself cannot be used. Run as the user that owns the database ' +
    'and its lock file, or give this user write access to both (a shared group with g+w); a file that is not a ' +
    'cgmigrate lock file can be removed once no cgmigrate run is using the database.',
  VERSION_TABLE_CONFLICT: (_error, { bin }) =>
    `Something else changed the version table during this run. Check \`${bin} current\`, then run the command again.`,
  DATABASE_ERROR: () =>
    'Check that the database is running and reachable, and that the URL (--url, DATABASE_URL or `url` in the config) is right; --verbose shows which URL was used.',
  DB_NOT_UP_TO_DATE: (_error, { bin }) => `Run \`${bin} upgrade head\` first.`,
  SCHEMA_DRIFT: (_error, { bin }) => `Create a migration for the difference with \`${bin} revision -m "…"\`.`,
  CONFIG_NOT_FOUND: (_error, { bin }) =>
    `Check the --config path, or run \`${bin} init\` to create cgmigrate.config.ts in the project.`,
  CONFIG_INVALID: (error) => {
    const { key, knownKeys, missingPackage } = error as ConfigInvalidError;
    if (missingPackage !== undefined) {
      const install = `Install ${missingPackage} in the project (\`npm install -D ${missingPackage}\`)`;
      if (!missingPackage.startsWith('@cloudguard/migrate-')) return `${install}: the config file imports it, and Node looks for it from the config file's folder.`;
      if (missingPackage.startsWith('@cloudguard/migrate-adapter-')) {
        return (
          `${install}: a cgmigrate installed globally does not make it importable from the project. Or leave \`adapter\` ` +
          'out and drop the import: cgmigrate picks its built-in adapter from the URL\'s scheme (sqlite:///…, postgresql://…).'
        );
      }
      return (
        `${install}: a cgmigrate installed globally does not make it importable from the project. Or import only ` +
        `types from it, \`import type { MigrateConfig } from '${missingPackage}'\`, which is removed before the file runs, ` +
        'and export a plain object (`export default { … } satisfies MigrateConfig`) instead of calling defineConfig().'
      );
    }
    if (key === 'entities') {
      // With a cause, MikroORM rejected the entities listed; without one, none are listed.
      if (error.cause !== undefined) {
        return (
          "Fix the entity definitions listed in `entities` of cgmigrate.config.ts where MikroORM's reason points: autogenerate, " +
          "the schema check and migration classes' this.getEntityManager() all have MikroORM discover that list."
        );
      }
      return (
        'Set `entities` in cgmigrate.config.ts to your MikroORM entity definitions (defineEntity, EntitySchema or ' +
        'decorated classes, e.g. `entities: [User, Scan]`): autogenerate and the schema check compare them with the database.'
      );
    }
    if (key !== undefined && knownKeys !== undefined) {
      const suggestion = closestName(key, knownKeys);
      const meant = suggestion === undefined ? '' : `Did you mean '${suggestion}'? `;
      return `${meant}Unknown keys are refused so that a typo is not silently ignored.`;
    }
    return 'Fix the config file; every key is optional, and unknown keys are refused so that a typo is not silently ignored.';
  },
  INVALID_URL: () => URL_FORMS,
  ADAPTER_NOT_FOUND: (error, { bin, schemes }) => {
    const { packageName } = error as AdapterNotFoundError;
    const supported = schemes.length > 0 ? ` Schemes with an adapter: ${schemes.join(', ')}.` : '';
    return packageName
      ? `Install it with \`npm install ${packageName}\`, or set \`adapter\` in cgmigrate.config.ts.${supported}`
      : `Install a plugin that provides one with \`${bin} plugins install <plugin>\`, or set \`adapter\` in cgmigrate.config.ts.${supported}`;
  },
  ADAPTER_INCOMPATIBLE: () =>
    'Update the adapter package and cgmigrate together, so that both implement the same adapter contract.',
  SHADOW_DATABASE_UNUSABLE: (error) =>
    (error as ShadowDatabaseUnusableError).reason === 'same-as-url'
      ? 'Point `shadowUrl` (or --shadow-url) at a database of its own, e.g. the same server with a `_shadow` database, or leave it out to let verify create and drop a throwaway one.'
      : 'Give verify an empty database: drop what it lists (it may be left from another tool), or use another database; cgmigrate\'s own version and audit tables may stay.',
  OFFLINE_READ_NOT_SUPPORTED: () =>
    'Make the migration skip the read when `op.offline` is true (for instance `if (op.offline) return;` before the ' +
    'query, or a value written into the SQL), or run this migration online, without --sql.',
  OFFLINE_NOT_SUPPORTED: () => 'Run the command online, without --sql, or use an adapter that implements renderOffline.',
  POST_WRITE_HOOK_FAILED: (error) =>
    `The migration file was written and is kept: review it, fix the hook (\`postWriteHooks\` in cgmigrate.config.ts) or run it by hand on ${(error as PostWriteHookError).path}.`,
  INVALID_REASON: (error, { bin }) => {
    const { maxLength } = error as InvalidReasonError;
    return `Say in --reason why the edit is harmless, in at most ${maxLength} characters, e.g. \`${bin} audit accept <revision> --reason "reformatted, reviewed in #412"\`.`;
  },
  MIGRATION_NOT_APPLIED: (_error, { bin }) =>
    `Only an applied migration's edit can be accepted: its file may change freely until it runs. Check the revision with \`${bin} current\` and \`${bin} history --verbose\`. Nothing was recorded.`,
  MIGRATION_NOT_EDITED: (_error, { bin }) =>
    `Nothing to do: \`${bin} check\` reports no edit of it. Save the edited file (or check out the branch with the edit) before accepting it. Nothing was recorded.`,
  MIGRATION_FILE_UNREADABLE: (error, { bin }) => {
    const { path } = error as MigrationFileUnreadableError;
    return path === undefined
      ? `Check out the branch that has its migration file, then run the command again; \`${bin} history\` lists the revisions the scripts define. Nothing was recorded.`
      : `Restore ${path} (from git: \`git checkout -- ${path}\`) or make it readable, then run the command again. Nothing was recorded.`;
  },
  NO_RECORDED_CHECKSUM: (_error, { bin }) =>
    `The revision was stamped (or applied without cgmigrate's audit), so \`${bin} check\` never compares its file: there is no edit to accept. Nothing was recorded.`,
  ACCEPT_NOT_SUPPORTED: () =>
    'Update the adapter to a version whose audit store keeps accepted edits (`recordsAcceptances`), or revert the edit of the migration file instead.',
  TARGET_SOURCE_INVALID: () =>
    'Give --targets a file with one database URL per line (`<url>#<schema>` for a schema), a URL, or a glob such as sqlite:///tenants/*.db; or --targets-query with --control-url. Nothing ran. See docs/fleets.md.',
  FLEET_REPORT_INVALID: () =>
    'Give --only-failed the file a fleet run wrote with --report, together with the same --targets that run had. Nothing ran.',
  FLEET_OPTIONS_INVALID: () => 'Fix the option as the message says; `--help` lists the fleet options. Nothing ran.',
  TARGET_SCHEMA_NOT_SUPPORTED: () => 'Schema targets (`<url>#<schema>`) need an adapter with schemas (PostgreSQL): give this database as a target without `#schema`.',
  TARGET_SCHEMA_NOT_FOUND: () => 'Create the schema first (`CREATE SCHEMA …`), or fix its name in the targets; nothing was changed on this target.',
  FLEET_SCRIPTS_MISMATCH: () =>
    'Run `fleet work` from the same release (the same migration files) as `fleet enqueue`; the job is retried, so a worker of that release takes it. Nothing ran on the target.',
  TARGET_UNKNOWN: () => 'Start the worker with the same --targets as `fleet enqueue` had, so that it can resolve every job\'s target (jobs carry names, never URLs).',
  MIGRATOR_CALL_NOT_SUPPORTED: () =>
    'Nothing was changed. docs/mikro-orm.md lists what each orm.migrator call runs in cgmigrate, and the command to use where there is none.',
  MIKRO_ORM_CONFIG_NOT_FOUND: () =>
    'Run the command where MikroORM\'s own CLI runs (where `npx mikro-orm debug` finds the config), or name the config with --mikro-orm-config <path>.',
  MIKRO_ORM_CONFIG_INVALID: (error, { bin }) => {
    const { problem } = error as MikroOrmConfigInvalidError;
    if (problem.startsWith('it could not be imported')) {
      return (
        'Node loads the config with its own type stripping. A config whose entities need a TypeScript loader (legacy decorators) ' +
        `loads with one, e.g. \`NODE_OPTIONS="--import tsx" ${bin} import mikro-orm\`; or name the compiled config with --mikro-orm-config dist/mikro-orm.config.js.`
      );
    }
    if (problem.includes('context')) return 'Name the context to read with --mikro-orm-context <name> (as MikroORM\'s --context), or MIKRO_ORM_CONTEXT_NAME.';
    return 'Fix the MikroORM config (`npx mikro-orm debug` reads it the same way), or name another with --mikro-orm-config <path>. Nothing was written.';
  },
  MIKRO_ORM_HISTORY_NOT_FOUND: () =>
    'Point cgmigrate at the database MikroORM migrated: --url, DATABASE_URL or `url` in cgmigrate.config.ts (the MikroORM config\'s connection is not used). ' +
    'A table in another schema is named by the MikroORM config\'s migrations.schema or migrations.tableName (`schema.table`). Nothing was written.',
  MIKRO_ORM_IMPORT_REFUSED: (error, { bin }) => {
    const kinds = new Set((error as MikroOrmImportRefusedError).problems.map((problem) => problem.kind));
    const fixes: string[] = [];
    if (kinds.has('file-conflict')) fixes.push('move the file in versions/ named above out of the way (or restore what the import wrote)');
    if (kinds.has('duplicate-name')) fixes.push('keep one of the two files of the same migration (the .ts or the compiled .js)');
    if (kinds.has('file-not-adoptable')) fixes.push('write the migration as `export class … extends Migration` in a .ts or .js file');
    if (kinds.has('database-elsewhere')) fixes.push(`bring the database to the head of versions/ first (\`${bin} current\` shows where it is, \`${bin} upgrade\` moves it)`);
    const forceable = (['applied-without-file', 'applied-out-of-order', 'executed-out-of-order'] as const).some((kind) => kinds.has(kind));
    if (fixes.length === 0) {
      return `Check each problem against the database; if the assumptions --force states hold, run \`${bin} import mikro-orm --force\`. Nothing was written.`;
    }
    const then = forceable ? ', then check the other problems and add --force if its assumptions hold' : '';
    return `${fixes.join('; ').replace(/^./, (first) => first.toUpperCase())}${then}. Nothing was written.`;
  },
};

/** Errors of schema operations, reported as the cause of a `MIGRATION_FAILED`. */
const OPERATION_CAUSES: ReadonlySet<string> = new Set(['INVALID_OPERATION', 'OPERATION_NOT_SUPPORTED', 'SCHEMA_CHECK_FAILED']);

/**
 * The remedy for an error, or `undefined` when there is nothing useful to add.
 *
 * ### Examples
 * ```ts
 * hintFor(new RevisionNotFoundError('x'), { command: 'upgrade' })
 * // 'Run `cgmigrate history` to list the revisions; a unique prefix of an id is enough.'
 * ```
 */
export function hintFor(error: MigrateError, context: HintContext = {}): string | undefined {
  const hint = HINTS[error.code] as Hint | undefined;
  return hint?.(error, {
    command: context.command ?? '',
    bin: context.bin ?? 'cgmigrate',
    schemes: context.schemes ?? [],
  });
}

/**
 * The remedy for what `check` found, printed after its problems, or `undefined` when
 * nothing it found has one: revisions not applied yet call for an upgrade; an edited
 * applied migration for reverting the edit or accepting it (`audit accept`).
 *
 * ### Examples
 * ```ts
 * checkHint({ ...result, pending: ['b2'], heads: ['b2'] }) // 'Run `cgmigrate upgrade head` to apply it.'
 * ```
 */
export function checkHint(
  result: Pick<CheckResult, 'pending' | 'heads'> & Partial<Pick<CheckResult, 'edited' | 'problems'>>,
  context: Pick<HintContext, 'bin'> = {},
): string | undefined {
  const bin = context.bin ?? 'cgmigrate';
  const hints: string[] = [];
  if (result.pending.length > 0) {
    const target = result.heads.length > 1 ? 'heads' : 'head';
    hints.push(`Run \`${bin} upgrade ${target}\` to apply ${result.pending.length === 1 ? 'it' : 'them'}.`);
  }
  const edited = result.edited ?? [];
  if (edited.length > 0) {
    const revision = edited.length === 1 ? edited[0]!.revision : '<revision>';
    hints.push(
      `Undo the edit of ${edited.length === 1 ? 'the applied migration' : 'each applied migration'} (\`git diff\` on the file) and put the change into a new migration; ` +
        `or, if the edit was reviewed and changes nothing that ran (a comment, formatting), accept it: \`${bin} audit accept ${revision} --reason "…"\`.`,
    );
  }
  const conflict = result.problems?.find((problem) => problem.code === 'BRANCH_CONFLICT');
  if (conflict !== undefined) {
    hints.push(
      'Review each pair of branch migrations together; once their order does not matter, acknowledge the pair with ' +
        `\`reviewedConflicts: [['${conflict.first.revision}', '${conflict.second.revision}']]\` in the config, or a line ` +
        `\`Reviewed-Conflicts: ${conflict.first.revision}\` in the header comment of ${conflict.second.revision}'s migration.`,
    );
  }
  return hints.length > 0 ? hints.join(' ') : undefined;
}

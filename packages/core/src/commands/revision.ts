import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigInvalidError,
  DuplicateRevisionError,
  FileExistsError,
  InvalidRevisionIdError,
  InvalidMessageError,
  InvalidTargetError,
  MigrationFormatNotSupportedError,
  MultipleHeadsError,
} from '../errors.js';
import { RevisionMap } from '../revision/revision-map.js';
import { generateRevisionId } from '../revision/revision-target.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { assertValidRevisionId, createRevision } from '../revision/revision.js';
import { formatFileName, slugify, type FileNameTokens } from '../script/file-template.js';
import { notMigrationReason } from '../script/script-directory.js';
import { DEFAULT_REVISION_TEMPLATE, renderRevisionTemplate } from '../script/revision-template.js';
import { loadScripts, resolveAdapter, type MigrationEnvironment } from './environment.js';
import { compareWithDatabase, type DatabaseComparison } from './compare-with-database.js';
import { lint, type LintResult } from './lint.js';
import { describeChange, renderOperations } from '../autogenerate/render-changes.js';
import { renderSchemaOperations } from '../autogenerate/render-schema-operations.js';
import { splitSafeForms } from '../autogenerate/safe-forms.js';
import type { SchemaOperation } from '../operations/schema-operation.js';
import type { AutogenerateOutput } from '../config/define-config.js';
import type { SchemaChange } from '../adapter/schema-change.js';
import type { SchemaFilterOptions } from '../autogenerate/schema-filter.js';
import { summarizeRevision, type RevisionSummary } from './revision-summary.js';
import { runPostWriteHooks, type PostWriteHookRun } from '../hooks/post-write-hooks.js';
import {
  migrationClassRenderer,
  renderMigrationClassFile,
  uncheckedNotes,
  type MigrationClassRenderer,
  type RevisionFormat,
} from './migration-class-file.js';

/** Options of {@link revision}. */
export interface RevisionOptions {
  /**
   * One-line description. Required in cgmigrate's format; in MikroORM's it is optional,
   * written as `static message` when given and part of the file's name (its slug, as
   * MikroORM's `migration:create --name`), and the class's name serves as the message
   * when not.
   */
  readonly message?: string | undefined;
  /**
   * The file's format: `cgmigrate` (the default) renders the project's revision template;
   * `mikro-orm` writes a MikroORM `Migration` class, as MikroORM's `TSMigrationGenerator`
   * writes it, named as MikroORM names it (`Migration<YYYYMMDDHHMMSS>[_<slug>].ts`, whatever
   * the config's `fileTemplate`), with the revision's graph fields as its first, static
   * members. The adapter renders that file (`migrationClasses().renderMigrationFile`).
   * Without autogenerate, its `up()` and `down()` are MikroORM's blank migration's.
   */
  readonly format?: RevisionFormat | undefined;
  /** Use this id instead of a random one. */
  readonly revId?: string | undefined;
  /** Parent of the new revision: a head (default `head`), `base` for a new root, `<branch>@head`, or any revision with `splice`. */
  readonly head?: string | undefined;
  /** Allow `head` to name a revision that is not a head, starting a new branch. */
  readonly splice?: boolean | undefined;
  /** Branch label for the new revision. */
  readonly branchLabel?: string | undefined;
  /** Revisions the new one depends on. */
  readonly dependsOn?: readonly string[] | undefined;
  /** Body of `up` (autogenerate fills it); cgmigrate's format only. */
  readonly upgrades?: string | undefined;
  /** Body of `down`; cgmigrate's format only. */
  readonly downgrades?: string | undefined;
  /** Clock, for reproducible files. */
  readonly now?: Date | undefined;
}

/** What {@link revision} wrote. */
export interface RevisionResult {
  readonly revision: RevisionSummary;
  /** The new file (absolute). */
  readonly path: string;
  /** The post-write hooks that ran on it (`postWriteHooks`), in order. */
  readonly hooks: readonly PostWriteHookRun[];
}

/**
 * Writes a new migration file from the project's revision template, or, with `format:
 * 'mikro-orm'`, as a MikroORM `Migration` class (see {@link RevisionOptions.format}).
 *
 * ### Examples
 * ```ts
 * const { path } = await revision(env, { message: 'Add scan duration' });
 * await revision(env, { format: 'mikro-orm' }); // versions/Migration20241116093000.ts
 * ```
 * @throws {InvalidMessageError} for an empty message (cgmigrate's format).
 * @throws {MigrationFormatNotSupportedError} when the adapter cannot write MikroORM's
 *   format, or `upgrades`/`downgrades` are given with it.
 * @throws {MultipleHeadsError} when `head` is ambiguous.
 * @throws {InvalidTargetError} when `head` is not a head and `splice` is not set.
 * @throws {FileExistsError} when the file name is taken.
 * @throws {PostWriteHookError} when a post-write hook fails (the file is written and kept).
 */
export async function revision(env: MigrationEnvironment, options: RevisionOptions): Promise<RevisionResult> {
  const format = options.format ?? 'cgmigrate';
  const message = revisionMessage(options.message, format);
  if (format !== 'cgmigrate' && (options.upgrades !== undefined || options.downgrades !== undefined)) {
    throw new MigrationFormatNotSupportedError(
      format,
      'contents',
      undefined,
      "a MikroORM migration class holds SQL statements (this.addSql), not cgmigrate's up() and down() bodies (upgrades, downgrades)",
    );
  }
  const renderer = format === 'cgmigrate' ? undefined : await migrationClassRenderer(await resolveAdapter(env), format);
  const scripts = await loadScripts(env);
  const map = scripts.map;
  return writeRevision(env, scripts, {
    revId: options.revId,
    parents: chooseParents(options, map),
    dependsOn: (options.dependsOn ?? []).flatMap((dep) => map.resolve(dep).map((rev) => rev.id)),
    branchLabels: options.branchLabel ? [options.branchLabel] : [],
    message,
    ...(renderer === undefined
      ? { upgrades: options.upgrades, downgrades: options.downgrades }
      : { migrationClass: { renderer, up: [], down: [], notes: [] } }),
    now: options.now,
  });
}

/** Options of {@link autogenerateRevision}. */
export interface AutogenerateOptions extends Omit<RevisionOptions, 'upgrades' | 'downgrades'> {
  /** Write a migration even when nothing differs (with the template's placeholder bodies). Default false. */
  readonly allowEmpty?: boolean | undefined;
  /** Which tables to compare; the version and audit tables never are. */
  readonly filter?: SchemaFilterOptions | undefined;
  /**
   * What to write, overriding the config's `autogenerateAs`. A MikroORM migration class
   * (`format: 'mikro-orm'`) always holds SQL statements: the config's `autogenerateAs` does
   * not apply to it, and `'operations'` is refused.
   */
  readonly as?: AutogenerateOutput | undefined;
  /**
   * Write the forms that keep existing tables writable while the migration runs (the
   * config's `lint.safeAutogenerate`), where the dialect's operations have them
   * (PostgreSQL): an index on an existing table is built `concurrently` in a second
   * revision, `transactional: false`, written right after the first and revising it; a
   * foreign key or check added to an existing table is added `notValid` in the first and
   * validated (`op.validateConstraint`) in the second. A new table keeps its indexes and
   * constraints inline. When only index builds and validations remain, the one revision
   * written is `transactional: false`. Applies to schema operations; a migration written
   * as SQL (`as: 'sql'`) gets a review note instead. Default: the config's
   * `lint.safeAutogenerate` (false: one revision, as without the switch).
   */
  readonly safeForms?: boolean | undefined;
}

/** What {@link autogenerateRevision} found, and the file it wrote. */
export type AutogenerateResult =
  | (RevisionResult & {
      readonly written: true;
      /**
       * Every file written, in order: the migration (the `revision`, `path` and `hooks`
       * above), then, with {@link AutogenerateOptions.safeForms}, the `transactional: false`
       * revision that revises it. One entry otherwise.
       */
      readonly revisions: readonly RevisionResult[];
      /** The safety lint of the files written (`revision --autogenerate` prints its findings). */
      readonly lint: LintResult;
      readonly changes: readonly SchemaChange[];
      /** One line per change, as printed ("Detected added column 'user.email': text null"). */
      readonly messages: readonly string[];
      /** What the author must review; also written into the file as comments. */
      readonly notes: readonly string[];
    })
  | {
      readonly written: false;
      readonly changes: readonly [];
      readonly messages: readonly string[];
      readonly notes: readonly string[];
    };

/** Alembic's words when autogenerate finds nothing to do. */
export const NO_CHANGES_MESSAGE = 'No changes in schema detected.';

/**
 * `revision --autogenerate`: compares `config.entities` with the database at its head
 * and writes a migration whose `up()` makes the database match them and whose `down()`
 * is the exact inverse (both computed by the adapter's schema comparator), through
 * the same template as {@link revision}. What no comparator can decide (a rename looks
 * like a drop and an add; an SQLite table rebuild) is written into the file as
 * comments the author must review, and returned as `notes`.
 *
 * When nothing differs, no file is written (`written: false`, with
 * {@link NO_CHANGES_MESSAGE}) unless `allowEmpty` is set.
 *
 * With {@link AutogenerateOptions.safeForms}, a second revision may follow the first
 * (concurrent index builds and constraint validations, `transactional: false`);
 * `revisions` lists every file written. The post-write hooks run on each file as it is
 * written: a hook that fails on the first stops before the second is written.
 *
 * ### Examples
 * ```ts
 * const result = await autogenerateRevision(env, { message: 'Add scan duration', safeForms: true });
 * if (result.written) for (const { path } of result.revisions) console.log(`Generating ${path}`);
 * else console.log(result.messages[0]);
 * ```
 * With `format: 'mikro-orm'`, the file is a MikroORM `Migration` class (see
 * {@link RevisionOptions.format}) whose `up()` and `down()` add the statements
 * `as: 'sql'` writes, in one file (the safe forms' second revision is not written; a note
 * says what to do instead); the checks cgmigrate would run around an SQLite table rebuild
 * become notes.
 *
 * @throws {InvalidMessageError} for an empty message (cgmigrate's format).
 * @throws {MigrationFormatNotSupportedError} when the adapter cannot write MikroORM's
 *   format, or `as: 'operations'` is asked with it; before the database is compared.
 * @throws {ConfigInvalidError} when `entities` is empty or the adapter cannot compare schemas.
 * @throws {DatabaseNotUpToDateError} ("Target database is not up to date.") when revisions are not applied.
 * @throws {MultipleHeadsError} {@link InvalidTargetError} {@link FileExistsError} as {@link revision}.
 * @throws {DatabaseError} when the database cannot be read.
 */
export async function autogenerateRevision(env: MigrationEnvironment, options: AutogenerateOptions): Promise<AutogenerateResult> {
  const format = options.format ?? 'cgmigrate';
  const message = revisionMessage(options.message, format);
  if (format !== 'cgmigrate' && options.as === 'operations') {
    throw new MigrationFormatNotSupportedError(
      format,
      'contents',
      undefined,
      "a MikroORM migration class holds SQL statements (this.addSql), not schema operations (as: 'operations')",
    );
  }
  const scripts = await loadScripts(env);
  const map = scripts.map;
  const parents = chooseParents(options, map);
  // A given id, and the adapter's renderer, are checked before the database is compared: the comparison is the slow part.
  if (options.revId !== undefined) {
    assertValidRevisionId(options.revId);
    if (format === 'cgmigrate' && message !== undefined) newFileName(env.config, options.revId, message, options.now ?? new Date());
  }
  const renderer = format === 'cgmigrate' ? undefined : await migrationClassRenderer(await resolveAdapter(env), format);
  const safeForms = options.safeForms ?? env.config.safeAutogenerate;
  const comparison = await compareWithDatabase(env, map, options.filter, { askSafeForms: safeForms });
  const messages = comparison.changes.map(describeChange);
  const empty = comparison.up.length === 0 && comparison.changes.length === 0;
  if (empty && !options.allowEmpty) {
    return { written: false, changes: [], messages: [NO_CHANGES_MESSAGE], notes: comparison.notes };
  }
  const generated: GeneratedFiles =
    renderer !== undefined
      ? migrationClassFile(comparison, renderer, safeForms)
      : empty
        ? { main: {}, notes: comparison.notes }
        : generatedFiles(comparison, options.as ?? env.config.autogenerateAs, safeForms);
  const now = options.now ?? new Date();
  const spec: NewRevision = {
    revId: options.revId,
    parents,
    dependsOn: (options.dependsOn ?? []).flatMap((dep) => map.resolve(dep).map((rev) => rev.id)),
    branchLabels: options.branchLabel ? [options.branchLabel] : [],
    message,
    ...generated.main,
    now,
  };
  const first = await writeRevision(env, scripts, spec);
  let results: RevisionResult[] = [first];
  const { followUp } = generated;
  if (followUp !== undefined) {
    // The follow-up revises the first, which the script directory read before it was written does not hold.
    const written = createRevision({ id: first.revision.id, downRevisions: spec.parents, dependsOn: spec.dependsOn, branchLabels: spec.branchLabels, message, path: first.path });
    const second = await writeRevision(
      env,
      { map: RevisionMap.from([...map, written]), versionsDir: scripts.versionsDir, templatePath: scripts.templatePath },
      { revId: undefined, parents: [first.revision.id], dependsOn: [], branchLabels: [], message: `${message} (${followUp.what})`, ...followUp.bodies, now },
    );
    results = [{ ...first, revision: { ...first.revision, isHead: false, nextRevisions: [second.revision.id] } }, second];
  }
  return {
    ...results[0]!,
    written: true,
    revisions: results,
    lint: await lintWritten(env, results, spec.parents),
    changes: comparison.changes,
    messages: empty ? [NO_CHANGES_MESSAGE] : messages,
    notes: generated.notes,
  };
}

/**
 * The safety lint of the files just written, judged as the next deploy onto the database
 * they were generated against (at their parents). Read from disk again, after the
 * post-write hooks.
 */
async function lintWritten(env: MigrationEnvironment, written: readonly RevisionResult[], parents: readonly string[]): Promise<LintResult> {
  const scripts = await loadScripts(env);
  return lint(env, { scripts, revisions: written.map((result) => result.revision.id), currentHeads: parents });
}

/** The bodies of one generated file, and whether it runs in a transaction; or the statements of a migration class. */
interface GeneratedBodies {
  readonly upgrades?: string | undefined;
  readonly downgrades?: string | undefined;
  readonly transactional?: boolean | undefined;
  readonly migrationClass?: MigrationClassContents | undefined;
}

/** A generated migration: its file, the safe forms' follow-up file, and the notes to review. */
interface GeneratedFiles {
  readonly main: GeneratedBodies;
  /** The `transactional: false` revision of the safe forms, and what it does, for its message. */
  readonly followUp?: { readonly bodies: GeneratedBodies; readonly what: string } | undefined;
  readonly notes: readonly string[];
}

/**
 * The files of a generated migration: one, or with the safe forms (on a dialect that has
 * them, when something needs them) the migration and its `transactional: false` follow-up.
 */
function generatedFiles(comparison: DatabaseComparison, as: AutogenerateOutput, safeForms: boolean): GeneratedFiles {
  const plain: GeneratedFiles = { main: renderBodies(comparison, as), notes: comparison.notes };
  const split = safeFormsSplit(comparison, safeForms);
  if (split === undefined) return plain;
  if (as !== 'operations') {
    const notes = [...comparison.notes, SQL_WITHOUT_SAFE_FORMS];
    return { main: renderBodies({ ...comparison, notes }, as), notes };
  }
  const bodies: GeneratedBodies = {
    upgrades: [NON_TRANSACTIONAL_COMMENT, renderSchemaOperations(split.second.up)].join('\n'),
    downgrades: split.second.down.length > 0 ? renderSchemaOperations(split.second.down) : NOTHING_TO_UNDO_COMMENT,
    transactional: false,
  };
  // Only index builds and validations: one file, outside a transaction, the notes above them.
  if (split.first.up.length === 0 && split.first.down.length === 0) {
    return { main: { ...bodies, upgrades: [renderOperations([], comparison.notes), bodies.upgrades].filter(Boolean).join('\n') }, notes: comparison.notes };
  }
  const { indexes, validations } = split.moved;
  const what = indexes > 0 && validations > 0 ? 'concurrent indexes and constraint validation' : indexes > 0 ? 'concurrent indexes' : 'constraint validation';
  return {
    main: renderOperationBodies(split.first.up, split.first.down, comparison.notes),
    followUp: { bodies, what },
    notes: comparison.notes,
  };
}

/**
 * The operations the safe forms move into a second, `transactional: false` revision, when
 * they are on, the connection's compiler writes them and something needs them.
 */
function safeFormsSplit(comparison: DatabaseComparison, safeForms: boolean): ReturnType<typeof splitSafeForms> | undefined {
  const { upOperations, downOperations } = comparison;
  if (!safeForms || comparison.compilesSafeForms !== true || upOperations === undefined || downOperations === undefined) return undefined;
  const split = splitSafeForms(upOperations, downOperations);
  return split.second.up.length === 0 ? undefined : split;
}

/**
 * The one file of a generated migration class: the comparison's statements (the SQL
 * `as: 'sql'` writes), none when nothing differs (the framework's blank migration), and
 * the notes, to which what the class cannot hold is added: the safe forms, and the checks
 * around a table rebuild.
 */
function migrationClassFile(comparison: DatabaseComparison, renderer: MigrationClassRenderer, safeForms: boolean): GeneratedFiles {
  const notes = [
    ...comparison.notes,
    ...(safeFormsSplit(comparison, safeForms) === undefined ? [] : [SQL_WITHOUT_SAFE_FORMS]),
    ...uncheckedNotes(comparison.upChecks, 'up'),
    ...uncheckedNotes(comparison.downChecks, 'down'),
  ];
  return { main: { migrationClass: { renderer, up: comparison.up, down: comparison.down, notes } }, notes };
}

const NON_TRANSACTIONAL_COMMENT = [
  '    // Outside a transaction (transactional: false), so that each index is built CONCURRENTLY and each',
  '    // constraint added NOT VALID is checked while the table stays writable. A step that fails leaves the',
  '    // steps before it done: drop an index a failed build left INVALID before running this again.',
].join('\n');

const NOTHING_TO_UNDO_COMMENT = '    // Nothing to undo: validating a constraint changes no schema (the previous revision drops the constraint).';

const SQL_WITHOUT_SAFE_FORMS =
  'Written as SQL statements, so without the safe forms (lint.safeAutogenerate): build the indexes on existing tables ' +
  'CONCURRENTLY in a transactional: false migration, and add foreign keys and checks NOT VALID, then VALIDATE them in a later migration.';

/**
 * The `up` and `down` bodies of a generated migration: schema operations when asked for
 * and the adapter gave them, the dialect's statements otherwise.
 */
function renderBodies(comparison: DatabaseComparison, as: AutogenerateOutput): { upgrades: string; downgrades: string } {
  if (as === 'operations' && comparison.upOperations !== undefined && comparison.downOperations !== undefined) {
    return renderOperationBodies(comparison.upOperations, comparison.downOperations, comparison.notes);
  }
  const notes =
    as === 'operations' && comparison.operationsUnavailable !== undefined
      ? [`Written as this database's SQL, not as schema operations, because ${comparison.operationsUnavailable}: it runs on this dialect only.`, ...comparison.notes]
      : comparison.notes;
  return {
    upgrades: renderOperations(comparison.up, notes, undefined, comparison.upChecks),
    downgrades: renderOperations(comparison.down, [], undefined, comparison.downChecks),
  };
}

/** Schema operations as `up` and `down` bodies, the review notes as comments above the operations (as above statements). */
function renderOperationBodies(up: readonly SchemaOperation[], down: readonly SchemaOperation[], notes: readonly string[]): { upgrades: string; downgrades: string } {
  return {
    upgrades: [renderOperations([], notes), renderSchemaOperations(up)].filter(Boolean).join('\n'),
    downgrades: renderSchemaOperations(down),
  };
}

/**
 * The message of a new revision in `format`: required in cgmigrate's (see
 * {@link checkMessage}), optional in a migration class's, where an empty one is none.
 *
 * @throws {InvalidMessageError}
 */
function revisionMessage(message: string | undefined, format: RevisionFormat): string | undefined {
  if (format === 'cgmigrate') return checkMessage(message ?? '');
  return message?.trim() || undefined;
}

/**
 * A message fit for a revision: trimmed, not empty.
 *
 * @throws {InvalidMessageError}
 * @internal
 */
export function checkMessage(message: string): string {
  const trimmed = message.trim();
  if (trimmed.length === 0) throw new InvalidMessageError('it is empty; describe the change, e.g. -m "Add scan duration"');
  return trimmed;
}

/** What {@link writeRevision} writes. @internal */
export interface NewRevision {
  readonly revId: string | undefined;
  readonly parents: readonly string[];
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  /** Required by the revision template; a migration class without one takes its class's name as its message. */
  readonly message: string | undefined;
  readonly upgrades?: string | undefined;
  readonly downgrades?: string | undefined;
  /** False for a migration that runs outside a transaction; see `RevisionTemplateValues.transactional`. */
  readonly transactional?: boolean | undefined;
  /** Write a migration class through the adapter instead of the revision template (`format: 'mikro-orm'`). */
  readonly migrationClass?: MigrationClassContents | undefined;
  readonly now?: Date | undefined;
}

/** A migration class to write: the adapter's renderer, the statements of `up()` and `down()`, the notes. */
interface MigrationClassContents {
  readonly renderer: MigrationClassRenderer;
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly notes: readonly string[];
}

/** A new revision's file, before it is written. */
interface RenderedRevisionFile {
  /** Absolute. */
  readonly path: string;
  readonly source: string;
  /** The revision's message: the one given, or a migration class's name. */
  readonly message: string;
}

/**
 * Renders a new revision (from the revision template, or as a migration class by the
 * adapter), writes it to `versions/`, and runs the post-write hooks on it. `scripts.map`
 * holds every revision the new one may name (its parents, its dependencies).
 *
 * @internal shared by `revision` and `merge`.
 */
export async function writeRevision(
  env: MigrationEnvironment,
  scripts: Pick<ScriptDirectory, 'map' | 'versionsDir' | 'templatePath'>,
  spec: NewRevision,
): Promise<RevisionResult> {
  const map = scripts.map;
  const id = spec.revId ?? generateUniqueId((candidate) => map.has(candidate));
  assertValidRevisionId(id);
  if (map.has(id)) throw new DuplicateRevisionError(id, [map.get(id).path ?? id]);
  const graphFields = { id, downRevisions: spec.parents, dependsOn: spec.dependsOn, branchLabels: spec.branchLabels };
  // The new file must not break the graph (a taken branch label, a missing dependency): check before writing it.
  RevisionMap.from([...map, createRevision({ ...graphFields, message: spec.message })]);

  const now = spec.now ?? new Date();
  const rendered =
    spec.migrationClass === undefined
      ? renderTemplateFile(env.config, scripts, spec, id, now)
      : await renderClassFile(env.config, scripts.versionsDir, spec, spec.migrationClass, id, now);
  const file = rendered.path;
  const created = createRevision({ ...graphFields, message: rendered.message });
  if (existsSync(file)) throw new FileExistsError(file);
  writeFileSync(file, rendered.source, { flag: 'wx' });
  const baseDir = env.config.configPath ? path.dirname(env.config.configPath) : env.config.cwd;
  const hooks = await runPostWriteHooks(env.config.postWriteHooks, file, baseDir);
  return {
    hooks,
    revision: { ...summarizeRevision(map, { ...created, path: file }), isHead: true, isBranchPoint: false, nextRevisions: [] },
    path: file,
  };
}

/** A new revision's file from the project's revision template, named by the config's `fileTemplate`. */
function renderTemplateFile(
  config: MigrationEnvironment['config'],
  scripts: Pick<ScriptDirectory, 'versionsDir' | 'templatePath'>,
  spec: NewRevision,
  id: string,
  now: Date,
): RenderedRevisionFile {
  const message = checkMessage(spec.message ?? '');
  const file = path.join(scripts.versionsDir, newFileName(config, id, message, now));
  const template = existsSync(scripts.templatePath) ? readFileSync(scripts.templatePath, 'utf8') : DEFAULT_REVISION_TEMPLATE;
  const source = renderRevisionTemplate(
    template,
    {
      revision: id,
      downRevisions: spec.parents,
      branchLabels: spec.branchLabels,
      dependsOn: spec.dependsOn,
      message,
      createDate: now,
      upgrades: spec.upgrades,
      downgrades: spec.downgrades,
      transactional: spec.transactional,
    },
    scripts.templatePath,
  );
  return { path: file, source, message };
}

/**
 * A new revision's file as a migration class, rendered by the adapter and named as its
 * framework names it: the config's `fileTemplate` does not apply, and the message's slug
 * (cut at `truncateSlugLength`) is the framework's migration name.
 */
async function renderClassFile(
  config: MigrationEnvironment['config'],
  versionsDir: string,
  spec: NewRevision,
  contents: MigrationClassContents,
  id: string,
  now: Date,
): Promise<RenderedRevisionFile> {
  const file = await renderMigrationClassFile(contents.renderer, {
    revision: id,
    downRevisions: spec.parents,
    branchLabels: spec.branchLabels,
    dependsOn: spec.dependsOn,
    message: spec.message,
    name: spec.message === undefined ? undefined : slugify(spec.message, config.truncateSlugLength) || undefined,
    createDate: now,
    up: contents.up,
    down: contents.down,
    notes: contents.notes,
  });
  return { path: path.join(versionsDir, file.fileName), source: file.source, message: spec.message ?? file.className };
}

/**
 * The name of a new migration file (in `versions/`), from the config's `fileTemplate`.
 *
 * @throws {InvalidRevisionIdError} {@link InvalidMessageError} {@link ConfigInvalidError}
 *   when the script directory would skip a file of that name.
 */
function newFileName(config: MigrationEnvironment['config'], id: string, message: string, now: Date): string {
  const tokens: FileNameTokens = { rev: id, slug: slugify(message, config.truncateSlugLength), date: now };
  const fileName = `${formatFileName(config.fileTemplate, tokens)}.ts`;
  assertReadAsMigration(fileName, config, tokens);
  return fileName;
}

/**
 * Refuses a file name the script directory would skip (see `notMigrationReason`): the
 * revision would be written but never seen by any command. Blames what made the name:
 * the id (`--rev-id _a1` under a template that starts with `%(rev)s`), the message (its
 * slug), or the template itself.
 *
 * @throws {InvalidRevisionIdError} {@link InvalidMessageError} {@link ConfigInvalidError}
 */
function assertReadAsMigration(fileName: string, config: MigrationEnvironment['config'], tokens: FileNameTokens): void {
  const reason = notMigrationReason(fileName);
  if (reason === undefined) return;
  const template = config.fileTemplate;
  const skipped = `its file would be named "${fileName}" and ${reason}, so the script directory would skip it`;
  const readsWith = (changes: Partial<FileNameTokens>) =>
    notMigrationReason(`${formatFileName(template, { ...tokens, ...changes })}.ts`) === undefined;
  if (readsWith({ rev: 'a1' })) {
    throw new InvalidRevisionIdError(
      tokens.rev,
      `${skipped}; use an id that starts with a letter or a digit and does not end in ".d", ".test" or ".spec" ` +
        '(or leave --rev-id out for a generated one)',
    );
  }
  if (readsWith({ slug: 'x' })) {
    throw new InvalidMessageError(`${skipped}; start the message with a letter or a digit`);
  }
  throw new ConfigInvalidError(
    config.configPath,
    `fileTemplate '${template}' makes file names that are not read as migrations (${skipped}); ` +
      'start it with a token or a letter, e.g. %(rev)s_%(slug)s',
  );
}

function chooseParents(options: RevisionOptions, map: RevisionMap): readonly string[] {
  const head = options.head ?? 'head';
  if (head === 'base') return [];
  if (head === 'head' && map.heads.length > 1) throw new MultipleHeadsError(map.heads, 'head');
  const resolved = map.resolve(head);
  if (resolved.length === 0) return [];
  const ids = resolved.map((rev) => rev.id);
  if (!options.splice) {
    const notHeads = ids.filter((id) => map.children(id).length > 0);
    if (notHeads.length > 0) {
      throw new InvalidTargetError(
        head,
        `revision ${notHeads.join(', ')} is not a head revision, and splicing (starting a new branch from it) was not asked for`,
      );
    }
  }
  return ids;
}

function generateUniqueId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = generateRevisionId();
    if (!taken(id)) return id;
  }
}

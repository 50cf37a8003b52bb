/**
 * Decides, without any I/O, how a MikroORM project's migrations become cgmigrate
 * revisions: the linear chain in MikroORM's order, the text of each file, the revision
 * to stamp, and every reason not to (see {@link MikroOrmImportProblem}).
 */

import path from 'node:path';
import { createRevision, MultipleHeadsError, RevisionMap, type MikroOrmImportProblem, type Revision } from '@cloudguard/migrate-core';
import { adoptedRevisionId } from './adopted-revision-id.js';
import { annotateMigrationClass, readMigrationClassStatics } from './annotate-migration-class.js';
import type { MikroOrmHistoryRow } from './mikro-orm-history.js';
import type { MikroOrmMigrationFile } from './mikro-orm-migration-files.js';

/** A MikroORM migration file with its text. */
export interface MikroOrmMigrationSource extends MikroOrmMigrationFile {
  readonly text: string;
}

/** What {@link planMikroOrmAdoption} decides from. */
export interface AdoptionInput {
  /** The migration files, in MikroORM's order. */
  readonly migrations: readonly MikroOrmMigrationSource[];
  /** MikroORM's table of applied migrations, by `id`. */
  readonly history: readonly MikroOrmHistoryRow[];
  /** The cgmigrate project's `versions/` folder (absolute). */
  readonly versionsDirectory: string;
  /** The files of `versions/` named like one of the migrations, by file name, with their text. */
  readonly versionsFiles: ReadonlyMap<string, string>;
  /** The revisions of `versions/`'s other files (the project's own revisions). */
  readonly otherRevisions: readonly Revision[];
  /** The rows of the database's version table. */
  readonly versionRows: readonly string[];
}

/** What becomes of one MikroORM migration. */
export interface PlannedRevision {
  /** The MikroORM migration's name. */
  readonly migration: string;
  readonly revision: string;
  readonly downRevision: string | null;
  /** The MikroORM file (absolute). */
  readonly source: string;
  /** The file in `versions/` (absolute); the same as {@link source} when the migrations folder is `versions/`. */
  readonly path: string;
  /** `write`: a new file in `versions/`; `annotate`: the statics added in place; `unchanged`: already adopted. */
  readonly action: 'write' | 'annotate' | 'unchanged';
  /** The file's text once adopted. */
  readonly text: string;
  /** Whether MikroORM's table records it as applied. */
  readonly applied: boolean;
  /** When it was applied (ISO 8601), when it was. */
  readonly executedAt: string | null;
}

/** Where the database's version table goes. */
export type StampDecision =
  /** Record `revision`, the last applied migration's. */
  | { readonly kind: 'stamp'; readonly revision: string; readonly migration: string }
  /** The version table already records `revision` or a revision after it. */
  | { readonly kind: 'already-stamped'; readonly revision: string; readonly migration: string }
  /** MikroORM applied none of the files: nothing to record. */
  | { readonly kind: 'nothing-applied' };

/** The adoption, decided. */
export interface AdoptionPlan {
  /** Every adoptable migration, in MikroORM's order: the chain. */
  readonly revisions: readonly PlannedRevision[];
  /** The first revision's parent: the head of `versions/` before the adoption, or `null`. */
  readonly base: string | null;
  readonly stamp: StampDecision;
  /** Why adopting as it stands would be unsafe; empty when it is safe. */
  readonly problems: readonly MikroOrmImportProblem[];
}

/**
 * Plans the adoption of a MikroORM project.
 *
 * The chain follows MikroORM's file order, which is the order MikroORM runs pending
 * files in; its first revision's parent is the current single head of `versions/`
 * (`null` when it has no revision), or, once adopted, whatever the first adopted file
 * says. The stamp is the revision of the last file MikroORM's table records as applied.
 *
 * Forceable problems (`--force` adopts anyway and reports the assumption):
 * `applied-without-file`, `applied-out-of-order`, `executed-out-of-order`. Problems
 * that never are: `file-conflict`, `file-not-adoptable`, `duplicate-name`,
 * `database-elsewhere`.
 *
 * ### Examples
 * ```ts
 * const plan = planMikroOrmAdoption({ migrations, history, versionsDirectory, versionsFiles, otherRevisions: [], versionRows: [] });
 * plan.revisions.map((r) => r.action) // ['write', 'write']
 * plan.stamp                          // { kind: 'stamp', revision: '9a8b7c6d5e4f', migration: 'Migration20241116000002' }
 * ```
 * @throws {MultipleHeadsError} when `versions/` has several heads for the first revision to follow.
 * @throws the graph errors of `RevisionMap.from` when the adopted and existing revisions do not form a graph.
 */
export function planMikroOrmAdoption(input: AdoptionInput): AdoptionPlan {
  const problems: MikroOrmImportProblem[] = [];
  const applied = new Map(input.history.map((row) => [row.name, row]));
  const names = new Set(input.migrations.map((migration) => migration.name));

  problems.push(...duplicateNames(input.migrations));
  problems.push(...appliedWithoutFile(input.history, names));
  problems.push(...appliedOutOfOrder(input.migrations, applied));
  problems.push(...executedOutOfOrder(input.migrations, applied));

  const base = chainBase(input);
  const revisions: PlannedRevision[] = [];
  let parent = base;
  for (const migration of input.migrations) {
    const revision = adoptedRevisionId(migration.name);
    const planned = planFile(input, migration, { revision, downRevision: parent }, applied.get(migration.name));
    if ('problem' in planned) problems.push(planned.problem);
    else revisions.push(planned);
    parent = revision;
  }

  const lastApplied = [...input.migrations].reverse().find((migration) => applied.has(migration.name));
  if (lastApplied === undefined) return { revisions, base, stamp: { kind: 'nothing-applied' }, problems };
  const target = adoptedRevisionId(lastApplied.name);
  const chain = input.migrations.map((migration, i) =>
    createRevision({ id: adoptedRevisionId(migration.name), downRevisions: i === 0 ? base : adoptedRevisionId(input.migrations[i - 1]!.name) }),
  );
  const map = RevisionMap.from([...input.otherRevisions, ...chain]);
  const stamp = decideStamp(map, input.versionRows, target, lastApplied.name, new Set(chain.map((revision) => revision.id)));
  if ('problem' in stamp) return { revisions, base, stamp: { kind: 'stamp', revision: target, migration: lastApplied.name }, problems: [...problems, stamp.problem] };
  return { revisions, base, stamp, problems };
}

/**
 * The first revision's parent: what the first migration's file in `versions/` already
 * declares (an adoption done before, after which `versions/` may have grown), else the
 * single head of `versions/`'s other files, else `null`.
 */
function chainBase(input: AdoptionInput): string | null {
  const first = input.migrations[0];
  if (first === undefined) return null;
  const adopted = input.versionsFiles.get(first.fileName);
  const declared = adopted === undefined ? undefined : readMigrationClassStatics(adopted)?.downRevision;
  if (declared !== undefined) return declared;
  const others = input.otherRevisions;
  if (others.length === 0) return null;
  const heads = RevisionMap.from(others).heads;
  if (heads.length > 1) throw new MultipleHeadsError(heads, 'head');
  return heads[0] ?? null;
}

function planFile(
  input: AdoptionInput,
  migration: MikroOrmMigrationSource,
  statics: { readonly revision: string; readonly downRevision: string | null },
  row: MikroOrmHistoryRow | undefined,
): PlannedRevision | { readonly problem: MikroOrmImportProblem } {
  const target = path.join(input.versionsDirectory, migration.fileName);
  const inPlace = path.resolve(migration.path) === target;
  const refuse = (kind: MikroOrmImportProblem['kind'], file: string, message: string) => ({
    problem: { kind, migration: migration.name, path: file, message, forceable: false, assumption: undefined },
  });
  if (!/\.(?:ts|js|mts|mjs)$/.test(migration.fileName)) {
    return refuse('file-not-adoptable', migration.path, `${migration.path} cannot be adopted: cgmigrate reads migrations from .ts, .js, .mts and .mjs files only`);
  }
  const annotation = annotateMigrationClass(migration.text, statics);
  if (annotation.kind === 'no-class') return refuse('file-not-adoptable', migration.path, `${migration.path} cannot be adopted: ${annotation.problem}`);
  const base = { migration: migration.name, ...statics, source: migration.path, path: target, applied: row !== undefined, executedAt: row?.executedAt ?? null };
  if (inPlace) {
    if (annotation.kind === 'different') {
      return refuse('file-conflict', target, `${target} already declares ${describeFound(annotation.found)}, not revision '${statics.revision}' after ${describeParent(statics.downRevision)}`);
    }
    return annotation.kind === 'unchanged'
      ? { ...base, action: 'unchanged', text: migration.text }
      : { ...base, action: 'annotate', text: annotation.text };
  }
  const existing = input.versionsFiles.get(migration.fileName);
  const text = annotation.kind === 'annotated' ? annotation.text : migration.text;
  if (annotation.kind === 'different') {
    return refuse('file-conflict', migration.path, `${migration.path} already declares ${describeFound(annotation.found)}, not revision '${statics.revision}' after ${describeParent(statics.downRevision)}`);
  }
  if (existing === undefined) return { ...base, action: 'write', text };
  if (existing === text) return { ...base, action: 'unchanged', text };
  return refuse('file-conflict', target, `${target} exists and differs from ${migration.path} with the revision it would get (${statics.revision})`);
}

/**
 * Whether the database's version table can move to `target`: it must hold nothing
 * unknown, and every revision `target` includes that the table does not must be an
 * adopted one (stamping would record the others as applied without running them).
 */
function decideStamp(
  map: RevisionMap,
  rows: readonly string[],
  target: string,
  migration: string,
  adopted: ReadonlySet<string>,
): StampDecision | { readonly problem: MikroOrmImportProblem } {
  const elsewhere = (message: string) => ({
    problem: { kind: 'database-elsewhere' as const, migration: undefined, path: undefined, message, forceable: false, assumption: undefined },
  });
  const unknown = rows.filter((row) => !map.has(row));
  if (unknown.length > 0) {
    return elsewhere(`the database's version table records ${unknown.join(', ')}, which no file in versions/ defines`);
  }
  const recorded = map.ancestors(rows);
  if (recorded.has(target)) return { kind: 'already-stamped', revision: target, migration };
  const included = map.ancestors([target]);
  const apart = rows.filter((row) => !included.has(row));
  if (apart.length > 0) {
    return elsewhere(`the database's version table records ${apart.join(', ')}, which the adopted revisions do not follow`);
  }
  const notRun = [...included].filter((id) => !recorded.has(id) && !adopted.has(id));
  if (notRun.length > 0) {
    const ordered = map.sortNewestFirst(notRun).reverse();
    return elsewhere(
      `the database is not at the head of versions/: ${ordered.join(', ')} ${ordered.length === 1 ? 'is' : 'are'} not applied, and stamping ${target} would record ${ordered.length === 1 ? 'it' : 'them'} as applied without running ${ordered.length === 1 ? 'it' : 'them'}`,
    );
  }
  return { kind: 'stamp', revision: target, migration };
}

function duplicateNames(migrations: readonly MikroOrmMigrationFile[]): MikroOrmImportProblem[] {
  const byName = Map.groupBy(migrations, (migration) => migration.name);
  return [...byName].flatMap(([name, files]) =>
    files.length < 2
      ? []
      : [
          {
            kind: 'duplicate-name' as const,
            migration: name,
            path: files[1]!.path,
            message: `${files.map((file) => file.path).join(' and ')} are both MikroORM migration ${name}`,
            forceable: false,
            assumption: undefined,
          },
        ],
  );
}

function appliedWithoutFile(history: readonly MikroOrmHistoryRow[], names: ReadonlySet<string>): MikroOrmImportProblem[] {
  return history
    .filter((row) => !names.has(row.name))
    .map((row) => ({
      kind: 'applied-without-file' as const,
      migration: row.name,
      path: undefined,
      message: `${row.name} is applied (${row.executedAt ?? 'no executed_at'}) but no migration file has that name`,
      forceable: true,
      assumption: `${row.name} is left out: what it did stays in the database, and no revision holds it`,
    }));
}

/** Files not applied while a file sorted after them is: MikroORM would still run them, cgmigrate's chain would not. */
function appliedOutOfOrder(migrations: readonly MikroOrmMigrationSource[], applied: ReadonlyMap<string, MikroOrmHistoryRow>): MikroOrmImportProblem[] {
  const lastApplied = migrations.findLastIndex((migration) => applied.has(migration.name));
  const later = migrations[lastApplied]?.name;
  return migrations
    .slice(0, Math.max(lastApplied, 0))
    .filter((migration) => !applied.has(migration.name))
    .map((migration) => ({
      kind: 'applied-out-of-order' as const,
      migration: migration.name,
      path: migration.path,
      message: `${migration.name} is not applied, but ${later} sorts after it and is`,
      forceable: true,
      assumption: `${migration.name} is recorded as applied with the revisions before ${later}: it will not run; run what it does by hand if the database lacks it`,
    }));
}

/** Applied files whose executed_at is earlier than that of an applied file sorted before them. */
function executedOutOfOrder(migrations: readonly MikroOrmMigrationSource[], applied: ReadonlyMap<string, MikroOrmHistoryRow>): MikroOrmImportProblem[] {
  const problems: MikroOrmImportProblem[] = [];
  let latest: { readonly name: string; readonly at: string; readonly time: number } | undefined;
  for (const migration of migrations) {
    const at = applied.get(migration.name)?.executedAt;
    if (at === undefined || at === null) continue;
    const time = Date.parse(at);
    if (latest !== undefined && time < latest.time) {
      problems.push({
        kind: 'executed-out-of-order',
        migration: migration.name,
        path: migration.path,
        message: `${migration.name} was applied at ${at}, before ${latest.name} (${latest.at}), which sorts before it`,
        forceable: true,
        assumption: `running ${latest.name} before ${migration.name}, in file order, gives the schema they gave in the order they ran`,
      });
    } else latest = { name: migration.name, at, time };
  }
  return problems;
}

function describeFound(found: Readonly<Record<'revision' | 'downRevision', string | undefined>>): string {
  return [found.revision === undefined ? undefined : `revision ${found.revision}`, found.downRevision === undefined ? undefined : `downRevision ${found.downRevision}`]
    .filter((part) => part !== undefined)
    .join(' and ');
}

function describeParent(downRevision: string | null): string {
  return downRevision === null ? 'none (a first revision)' : `'${downRevision}'`;
}

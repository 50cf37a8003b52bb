/**
 * Which export of an imported migration file is its migration, and how a migration
 * class (MikroORM's form) becomes a {@link Migration}: its static members are checked
 * against the header, and the adapter's {@link MigrationClassSupport} converts it.
 */

import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import type { MigrationClassIdentity, MigrationClassSupport } from '../adapter/migration-class-support.js';
import { isMigrateError, MalformedMigrationError } from '../errors.js';
import type { Migration, RevisionList } from '../migration.js';
import { toRevisionList, type Revision } from '../revision/revision.js';
import { migrationClassName } from './migration-class-header.js';
import type { MigrationHeader } from './revision-header.js';

/** A class as a migration file exports it: a constructor whose static members hold the header. */
export type MigrationClass = abstract new (...args: never[]) => unknown;

/** What a migration file exports as its migration. */
export type MigrationExport =
  | { readonly kind: 'object'; readonly migration: Partial<Migration> }
  | { readonly kind: 'class'; readonly migrationClass: MigrationClass; readonly name: string };

/** What of an adapter a script directory needs to run migration classes. */
export type MigrationClassAdapter = Pick<DialectAdapter, 'name' | 'migrationClasses'>;

/** The adapter that runs a script directory's migration classes, and its support for them (none when it has no `migrationClasses`). */
export interface MigrationClassRunner {
  readonly adapter: string;
  readonly support: MigrationClassSupport | undefined;
}

const CLASS_SOURCE = /^class\b/;

/**
 * The migration a module exports: its default export when that is an object (the object
 * form) or a function (a class); without a default export, the one exported class that
 * extends another.
 *
 * @throws {MalformedMigrationError} when there is no such export, or several classes and no default.
 */
export function pickMigrationExport(module: unknown, file: string): MigrationExport {
  const exports = module as Record<string, unknown>;
  const main = exports['default'];
  if (typeof main === 'object' && main !== null) return { kind: 'object', migration: main as Partial<Migration> };
  if (typeof main === 'function') {
    // An anonymous `export default class extends Migration {` is named `default` by the language.
    const declared = main.name === '' || main.name === 'default' ? undefined : main.name;
    return { kind: 'class', migrationClass: main as MigrationClass, name: migrationClassName(declared, file) };
  }
  if (main === undefined) {
    const classes = Object.entries(exports).filter(([key, value]) => key !== 'default' && isDerivedClass(value));
    const names = classes.map(([key, value]) => (value as MigrationClass).name || key);
    if (classes.length === 1) return { kind: 'class', migrationClass: classes[0]![1] as MigrationClass, name: names[0]! };
    if (classes.length > 1) {
      // As the header reader picks: the one class that declares its revision.
      const declaring = classes.filter(([, value]) => Object.hasOwn(value as object, 'revision'));
      if (declaring.length === 1) return { kind: 'class', migrationClass: declaring[0]![1] as MigrationClass, name: names[classes.indexOf(declaring[0]!)]! };
      throw new MalformedMigrationError(
        file,
        `it exports several classes (${names.join(', ')}) and no default export, so which one is the migration is ambiguous: export only the migration class, make it the default export, or give only it a static revision`,
      );
    }
  }
  throw new MalformedMigrationError(
    file,
    'it has no default export object (export default { revision, downRevision, up, down }) and exports no migration class ' +
      '(export class … extends Migration, with static revision and downRevision)',
  );
}

/** Whether `value` is a class declared with `extends` (so not a plain or async function). */
function isDerivedClass(value: unknown): boolean {
  return (
    typeof value === 'function' && Object.getPrototypeOf(value) !== Function.prototype && CLASS_SOURCE.test(Function.prototype.toString.call(value))
  );
}

/** The static members of a migration class, as plain values. */
function staticsOf(migrationClass: MigrationClass): Readonly<Record<string, unknown>> {
  return migrationClass as unknown as Readonly<Record<string, unknown>>;
}

function isRevisionList(value: unknown): value is RevisionList {
  return value === null || typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

/**
 * The header of an imported class, for a file whose source did not show it as one
 * (`class M extends Migration {…}` then `export default M`).
 *
 * @throws {MalformedMigrationError} when its `static revision` is not a string or its `static downRevision` is missing.
 */
export function headerOfClass(exported: Extract<MigrationExport, { kind: 'class' }>, file: string): MigrationHeader {
  const statics = staticsOf(exported.migrationClass);
  const malformed = (problem: string) => new MalformedMigrationError(file, `its class ${exported.name} ${problem}`, { migrationClass: exported.name });
  if (typeof statics['revision'] !== 'string') throw malformed('has no string `static revision`');
  const downRevision = statics['downRevision'];
  if (downRevision === undefined) throw malformed('has no `static downRevision` (use null for the first revision)');
  const list = (key: string): RevisionList | undefined => {
    const value = statics[key];
    if (value === undefined) return undefined;
    if (!isRevisionList(value)) throw malformed(`has a \`static ${key}\` that is not a revision id, a list of them, or null`);
    return value;
  };
  const message = statics['message'];
  return {
    revision: statics['revision'],
    downRevision: list('downRevision') ?? null,
    branchLabels: list('branchLabels'),
    dependsOn: list('dependsOn'),
    message: typeof message === 'string' ? message : exported.name,
  };
}

/**
 * The migration a class export stands for: its statics checked against the header the
 * graph was built from, then converted by the adapter's {@link MigrationClassSupport}.
 *
 * @param runner the adapter that runs migration classes, asked only now; `undefined` when there is none.
 * @throws {MalformedMigrationError} when the statics differ from the header, no adapter can run the class, or the adapter refuses it.
 */
export async function migrationOfClass(
  exported: Extract<MigrationExport, { kind: 'class' }>,
  revision: Revision,
  runner: () => Promise<MigrationClassRunner | undefined>,
): Promise<Partial<Migration>> {
  const file = revision.path ?? revision.id;
  const { name, migrationClass } = exported;
  const malformed = (problem: string, options: { adapter?: string; cause?: unknown } = {}) =>
    new MalformedMigrationError(file, problem, { migrationClass: name, ...options });
  const statics = staticsOf(migrationClass);
  if (statics['revision'] !== revision.id) {
    throw malformed(`its class ${name} has static revision '${String(statics['revision'])}' but its header says '${revision.id}'`);
  }
  const parents = isRevisionList(statics['downRevision']) ? toRevisionList(statics['downRevision']) : undefined;
  if (parents === undefined || parents.join(',') !== revision.downRevisions.join(',')) {
    const shown = parents === undefined ? String(statics['downRevision']) : parents.join(', ') || 'null';
    throw malformed(`its class ${name} has static downRevision (${shown}), which differs from its header's`);
  }

  const found = await runner();
  if (found === undefined) {
    throw malformed(
      `its export is a migration class (${name}), and this script directory was loaded without an adapter to run migration classes (the migrationClassAdapter option of ScriptDirectory.load)`,
    );
  }
  if (found.support === undefined) {
    throw malformed(`its export is a migration class (${name}), which the ${found.adapter} adapter cannot run`, { adapter: found.adapter });
  }
  let migration: Migration | string;
  try {
    migration = found.support.toMigration(migrationClass, identityOf(exported, revision, file));
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw malformed(`the ${found.adapter} adapter could not prepare its ${found.support.framework} migration class ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof migration === 'string') throw malformed(migration);
  return migration;
}

function identityOf(exported: Extract<MigrationExport, { kind: 'class' }>, revision: Revision, file: string): MigrationClassIdentity {
  const one = (list: readonly string[]): RevisionList => (list.length === 0 ? null : list.length === 1 ? list[0]! : list);
  return {
    path: file,
    name: exported.name,
    revision: revision.id,
    downRevision: one(revision.downRevisions),
    branchLabels: revision.branchLabels.length === 0 ? undefined : one(revision.branchLabels),
    dependsOn: revision.dependsOn.length === 0 ? undefined : one(revision.dependsOn),
    message: revision.message ?? exported.name,
  };
}

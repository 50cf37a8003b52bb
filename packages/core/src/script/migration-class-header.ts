/**
 * Reads the identity of a migration written as a class (MikroORM's form) from its source
 * text, without importing it:
 *
 * ```ts
 * export class Migration20241116000001 extends Migration {
 *   static revision = '1f0c3a9b2d4e';
 *   static downRevision = null;
 *   override async up(): Promise<void> { this.addSql('create table …'); }
 * }
 * ```
 *
 * Unlike the object form, a class-shaped file never falls back to importing its module
 * for its header: that would load the ORM for `history` and `current`. So what cannot be
 * read here is {@link MalformedMigrationError}, naming the file and the member.
 */

import path from 'node:path';
import { MalformedMigrationError } from '../errors.js';
import { readExportedClasses, type ExportedClass, type HeaderStatic } from './exported-classes.js';
import type { HeaderField, MigrationHeader } from './revision-header.js';
import type { Literal } from './source-literals.js';

/**
 * The name MikroORM knows a migration class by: its declared name, or for an anonymous
 * `export default class extends Migration {` the file's base name without extension.
 *
 * ### Examples
 * ```ts
 * migrationClassName(undefined, '/app/migrations/versions/Migration20241116000001.ts') // 'Migration20241116000001'
 * ```
 */
export function migrationClassName(declared: string | undefined, file: string): string {
  return declared ?? path.basename(file, path.extname(file));
}

/**
 * The header of a migration file written as a class: the default-exported class, else
 * the one exported class that extends another. `message` is the class's `static
 * message`, or its name. `undefined` when the file is not class-shaped (the caller then
 * treats it as before).
 *
 * @param file the file's path: names an anonymous class (its base name) and the file in errors.
 * @throws {MalformedMigrationError} when the file exports several such classes and no
 *   default, or the class's `static revision`/`downRevision` is missing, or a header
 *   member (`revision`, `downRevision`, `branchLabels`, `dependsOn`, `message`) is not
 *   a literal.
 */
export function readClassHeader(source: string, file: string): MigrationHeader | undefined {
  const exported = findMigrationClass(source, file);
  if (exported === undefined) return undefined;
  return toHeader(exported.statics, migrationClassName(exported.name, file), file);
}

/** The class a migration file exports as its migration, as {@link readClassHeader} picks it. */
function findMigrationClass(source: string, file: string): ExportedClass | undefined {
  const { classes: exported, defaultIsNotAClass } = readExportedClasses(source);
  // A default export of something else (`export default migration;`) is the object form's business.
  if (defaultIsNotAClass) return undefined;
  // Named classes that extend nothing are not migrations.
  const classes = exported.filter((candidate) => candidate.isDefault || candidate.extendsClass);
  const byDefault = classes.find((candidate) => candidate.isDefault);
  if (byDefault !== undefined) return byDefault;
  if (classes.length > 1) {
    // Several classes (a helper class beside the migration): the migration is the one that declares its revision.
    const declaring = classes.filter((candidate) => candidate.statics.has('revision'));
    if (declaring.length === 1) return declaring[0];
    throw new MalformedMigrationError(
      file,
      `it exports several classes (${classes.map((candidate) => candidate.name).join(', ')}) and no default export, so which one is the migration is ambiguous: export only the migration class, make it the default export, or give only it a static revision`,
    );
  }
  return classes[0];
}

/**
 * The header the statics declare.
 *
 * @throws {MalformedMigrationError} for a missing `revision` or `downRevision`, or a header member that is not a literal of its kind.
 */
function toHeader(statics: ReadonlyMap<HeaderField, HeaderStatic>, name: string, file: string): MigrationHeader {
  const malformed = (problem: string): MalformedMigrationError =>
    new MalformedMigrationError(file, `its class ${name} ${problem}`, { migrationClass: name });
  const read = (key: HeaderField): Literal | undefined => {
    const value = statics.get(key);
    if (value === undefined) return undefined;
    if (value.kind === 'no-value') throw malformed(`declares \`static ${key}\` without a value`);
    if (value.kind === 'not-a-literal') {
      throw malformed(
        `sets \`static ${key}\` to something other than a literal (a string, null, or an array of strings), and cgmigrate reads it without importing the file`,
      );
    }
    return value.value;
  };
  const revisionList = (key: HeaderField): string | readonly string[] | null | undefined => {
    const value = read(key);
    if (typeof value === 'boolean') throw malformed(`sets \`static ${key}\` to ${value}, not a revision id, a list of them, or null`);
    return value;
  };

  const revision = read('revision');
  if (revision === undefined) {
    throw malformed("has no `static revision`: a migration class declares its revision id there, as a string literal");
  }
  if (typeof revision !== 'string') throw malformed('sets `static revision` to something other than a string literal');
  const downRevision = revisionList('downRevision');
  if (downRevision === undefined) {
    throw malformed('has no `static downRevision`: the revision(s) it follows, or null for the first revision');
  }
  const message = read('message');
  if (message !== undefined && message !== null && typeof message !== 'string') {
    throw malformed('sets `static message` to something other than a string literal');
  }
  return {
    revision,
    downRevision,
    branchLabels: revisionList('branchLabels'),
    dependsOn: revisionList('dependsOn'),
    message: message ?? name,
  };
}

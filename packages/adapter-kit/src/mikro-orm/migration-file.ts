/**
 * A new cgmigrate revision written as a MikroORM migration class (`cgmigrate revision
 * --format mikro-orm`): the file MikroORM 7's `migration:create` would write, by
 * MikroORM's own `TSMigrationGenerator`, with the revision's graph fields as the class's
 * first, static members.
 *
 * @packageDocumentation
 */

import { reviewComment, singleQuotedLiteral, type MigrationClassFile, type MigrationClassFileRequest } from '@cloudguard/migrate-core/adapter';
import { UnderscoreNamingStrategy, type MigrationsOptions } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { TSMigrationGenerator, type MigrationGenerator } from '@mikro-orm/migrations';

/** MikroORM's default naming strategy for SQL drivers, whose `classToMigrationName` names migrations. */
const NAMING = new UnderscoreNamingStrategy();

/**
 * MikroORM's generator, for its `generateMigrationFile(className, diff)` only. Its
 * constructor takes the driver and the migration options that `generate()` needs to
 * write the file into a MikroORM project (the folder, `fileName`); the method used here
 * reads neither, so no driver is given: rendering a file must not need a connection.
 */
const GENERATOR: MigrationGenerator = new TSMigrationGenerator(undefined as unknown as AbstractSqlDriver, NAMING, { emit: 'ts' } satisfies MigrationsOptions);

/** What `migration:create --blank` writes both ways: a down() that does nothing keeps the migration reversible. */
const BLANK_STATEMENT = 'select 1';

/**
 * Renders a new revision as MikroORM 7 writes a migration: the class and file names of
 * `migration:create` (`Migration<YYYYMMDDHHMMSS>`, with `_<name>` when the request has a
 * name, the file named as its class, which MikroORM's default `migrations.fileName` also
 * does), then `TSMigrationGenerator`'s text for the statements (its import, layout,
 * `override name`, `this.addSql(\`…\`)` escaping, and a `down()` only when there are
 * statements for it). Two additions, which MikroORM ignores: the graph fields as static
 * members first in the class (`static revision`, `static downRevision`, then
 * `static branchLabels`, `static dependsOn` and `static message` when there are some),
 * and the review notes as comments at the top of `up()`. Without statements either way,
 * it is `migration:create --blank`'s migration (`select 1` in `up()` and `down()`).
 *
 * The `static` block with the blank line after it taken out, and the notes, the text is
 * byte for byte `TSMigrationGenerator`'s.
 *
 * ### Examples
 * ```ts
 * const file = await renderMikroOrmMigrationFile({
 *   revision: '1f0c3a9b2d4e', downRevisions: ['9a8b7c6d5e4f'], branchLabels: [], dependsOn: [],
 *   message: 'Add scan duration', name: 'add_scan_duration', createDate: new Date('2024-11-16T00:00:01Z'),
 *   up: ['alter table `scan` add column `duration_ms` integer null'], down: ['alter table `scan` drop column `duration_ms`'], notes: [],
 * });
 * // file.fileName === 'Migration20241116000001_add_scan_duration.ts'
 * ```
 */
export async function renderMikroOrmMigrationFile(request: MigrationClassFileRequest): Promise<MigrationClassFile> {
  const className = NAMING.classToMigrationName(migrationTimestamp(request.createDate), request.name);
  const blank = request.up.length === 0 && request.down.length === 0;
  const diff = blank ? { up: [BLANK_STATEMENT], down: [BLANK_STATEMENT] } : { up: [...request.up], down: [...request.down] };
  const generated = await GENERATOR.generateMigrationFile(className, diff);
  const source = withMembers(generated, className, staticMembers(request), reviewComment(request.notes, '    '));
  return { fileName: `${className}.ts`, className, source };
}

/** `migration:create`'s timestamp: the date in UTC, to the second, as `YYYYMMDDHHMMSS`. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/[-T:]|\.\d{3}z$/gi, '');
}

/** The class's first members: the revision's graph fields and message, each on a line of its own. */
function staticMembers(request: MigrationClassFileRequest): string[] {
  const members = [`static revision = ${singleQuotedLiteral(request.revision)};`, `static downRevision = ${listLiteral(request.downRevisions)};`];
  if (request.branchLabels.length > 0) members.push(`static branchLabels = ${listLiteral(request.branchLabels)};`);
  if (request.dependsOn.length > 0) members.push(`static dependsOn = ${listLiteral(request.dependsOn)};`);
  if (request.message !== undefined) members.push(`static message = ${singleQuotedLiteral(request.message)};`);
  return members.map((member) => `  ${member}`);
}

/**
 * The generator's text with the static members (then a blank line) first in the class,
 * and the note lines first in `up()`. Both places are found by the generator's own class
 * and `up()` lines, which come before any statement.
 *
 * @throws {Error} when the generator no longer writes them as MikroORM 7.2 does (a MikroORM
 *   upgrade the kit's tests would catch first).
 */
function withMembers(generated: string, className: string, statics: readonly string[], notes: readonly string[]): string {
  const classOpening = `export class ${className} extends Migration {\n\n`;
  const classAt = generated.indexOf(classOpening);
  const upOpening = /^ {2}override up\(\)[^\n]*\{\n/m.exec(generated);
  if (classAt === -1 || upOpening === null) {
    throw new Error(`MikroORM's TSMigrationGenerator wrote a class without the lines its 7.2 version writes (${JSON.stringify(classOpening)}, \`override up()\`)`);
  }
  const membersAt = classAt + classOpening.length;
  const notesAt = upOpening.index + upOpening[0].length;
  const noteLines = notes.map((line) => `${line}\n`).join('');
  return (
    generated.slice(0, membersAt) +
    statics.map((line) => `${line}\n`).join('') +
    '\n' +
    generated.slice(membersAt, notesAt) +
    noteLines +
    generated.slice(notesAt)
  );
}

/** A revision list as the revision template writes it: `null` for none, a string for one, an array for more. */
function listLiteral(ids: readonly string[]): string {
  if (ids.length === 0) return 'null';
  if (ids.length === 1) return singleQuotedLiteral(ids[0]!);
  return `[${ids.map(singleQuotedLiteral).join(', ')}]`;
}

/**
 * Writing a new revision as a migration class of the ORM the adapter is built on
 * (`format: 'mikro-orm'`): core knows no ORM, so it asks the adapter's
 * {@link MigrationClassSupport} to render the file, checks the name it gives, and hands
 * it the statements of autogenerate's comparison.
 *
 * @packageDocumentation
 */

import path from 'node:path';

import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import type { MigrationClassFile, MigrationClassFileRequest } from '../adapter/migration-class-support.js';
import type { SchemaCheckQuery } from '../adapter/schema-change.js';
import { MigrationFormatNotSupportedError } from '../errors.js';
import { isMigrationFileName, notMigrationReason } from '../script/script-directory.js';

/** The file format of a new revision: cgmigrate's revision template (the default), or MikroORM's `Migration` class. */
export type RevisionFormat = 'cgmigrate' | 'mikro-orm';

/** The formats {@link RevisionFormat} names, for validating a value read from outside. */
export const REVISION_FORMATS: readonly RevisionFormat[] = ['cgmigrate', 'mikro-orm'];

/** The framework whose migration classes a format names, as {@link MigrationClassSupport.framework} spells it. */
const FRAMEWORKS: Readonly<Record<Exclude<RevisionFormat, 'cgmigrate'>, string>> = { 'mikro-orm': 'MikroORM' };

/** The adapter's renderer of migration class files, found by {@link migrationClassRenderer}. */
export interface MigrationClassRenderer {
  readonly format: Exclude<RevisionFormat, 'cgmigrate'>;
  /** The adapter's name, for errors. */
  readonly adapter: string;
  render(request: MigrationClassFileRequest): Promise<MigrationClassFile>;
}

/**
 * The adapter's renderer of migration class files in `format`, asked of the adapter
 * before anything is compared or written.
 *
 * @throws {MigrationFormatNotSupportedError} (`no-renderer`) when the adapter has no
 *   `migrationClasses()`, its support has no `renderMigrationFile`, or its classes are
 *   another framework's.
 */
export async function migrationClassRenderer(
  adapter: DialectAdapter,
  format: Exclude<RevisionFormat, 'cgmigrate'>,
): Promise<MigrationClassRenderer> {
  const framework = FRAMEWORKS[format];
  const refuse = (reason: string) => new MigrationFormatNotSupportedError(format, 'no-renderer', adapter.name, reason);
  if (typeof adapter.migrationClasses !== 'function') {
    throw refuse(`the ${adapter.name} adapter has no migrationClasses(), which ${framework}'s migration classes need`);
  }
  const support = await adapter.migrationClasses();
  if (support.framework.replace(/\W/g, '').toLowerCase() !== framework.toLowerCase()) {
    throw refuse(`the ${adapter.name} adapter's migration classes are ${support.framework}'s, not ${framework}'s`);
  }
  const renderMigrationFile = support.renderMigrationFile?.bind(support);
  if (renderMigrationFile === undefined) {
    throw refuse(`the ${adapter.name} adapter runs ${framework}'s migration classes but cannot write one (its migrationClasses() has no renderMigrationFile)`);
  }
  return { format, adapter: adapter.name, render: renderMigrationFile };
}

/**
 * Renders the file, and refuses a name that would put it outside `versions/` or that the
 * script directory would skip: the revision would be written where no command sees it.
 *
 * @throws {MigrationFormatNotSupportedError} (`file-name`) for such a name.
 */
export async function renderMigrationClassFile(renderer: MigrationClassRenderer, request: MigrationClassFileRequest): Promise<MigrationClassFile> {
  const file = await renderer.render(request);
  const { fileName } = file;
  const problem =
    fileName !== path.basename(fileName) || fileName === '' || fileName.includes('\\')
      ? 'which is not a file name in versions/'
      : isMigrationFileName(fileName)
        ? undefined
        : `and ${notMigrationReason(fileName) ?? 'it is not code'}, so the script directory would skip it`;
  if (problem !== undefined) {
    throw new MigrationFormatNotSupportedError(
      renderer.format,
      'file-name',
      renderer.adapter,
      `the ${renderer.adapter} adapter named the new file '${fileName}', ${problem}`,
    );
  }
  return file;
}

/**
 * What a migration class cannot do that a cgmigrate migration written from the same
 * comparison does: run a check's query between its statements and fail on the rows it
 * returns (an SQLite table rebuild's preconditions and foreign key check). A MikroORM
 * migration only queues SQL (`this.addSql`), so each check becomes a note for the author.
 *
 * ### Examples
 * ```ts
 * uncheckedNotes([{ comment: 'Rows of scans must find their parent.', query: 'select …' }], 'up');
 * // ['Rows of scans must find their parent. This file cannot check it as a cgmigrate-format migration would; after up(), this query must return no rows: select …']
 * ```
 */
export function uncheckedNotes(checks: readonly SchemaCheckQuery[] | undefined, direction: 'up' | 'down'): string[] {
  return (checks ?? []).map(
    (check) =>
      `${check.comment} This file cannot check it as a cgmigrate-format migration would; ` +
      `${check.when === 'before' ? 'before' : 'after'} ${direction}(), this query must return no rows: ${check.query}`,
  );
}

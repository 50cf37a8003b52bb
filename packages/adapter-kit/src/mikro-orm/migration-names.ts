import path from 'node:path';

import { AmbiguousRevisionError, RevisionNotFoundError, type RevisionSummary } from '@cloudguard/migrate-core';

/**
 * MikroORM's name for a revision. A MikroORM migration class file is named after its
 * class (`Migration20241116000001.ts`), and core shows the class's name as the revision's
 * message, so such a revision goes by that name, as it did in `mikro_orm_migrations`;
 * any other revision goes by its id.
 *
 * ### Examples
 * ```ts
 * ormMigrationName({ id: '20241116000001', message: 'Migration20241116000001', path: '/srv/app/migrations/versions/Migration20241116000001.ts' }) // 'Migration20241116000001'
 * ormMigrationName({ id: 'ae1027', message: 'Create scans', path: '/srv/app/migrations/versions/20250110_ae1027_create_scans.ts' })            // 'ae1027'
 * ```
 */
export function ormMigrationName(revision: Pick<RevisionSummary, 'id' | 'message' | 'path'>): string {
  const { message, path: file } = revision;
  if (message !== undefined && file !== undefined && path.basename(file, path.extname(file)) === message) return message;
  return revision.id;
}

/** MikroORM's default migration file name for a 14-digit timestamp (its `migrations.fileName`). */
const TIMESTAMP_NAME = /^\d{14}$/;

/**
 * The revision a name given to `orm.migrator` means: a revision's id, its
 * {@link ormMigrationName} (with or without `.ts`/`.js`; a bare 14-digit timestamp stands for
 * `Migration<timestamp>`, as MikroORM reads names), or a unique prefix of its id.
 *
 * ### Examples
 * ```ts
 * revisionForName('Migration20241116000001.ts', revisions) // '20241116000001'
 * revisionForName('ae1027', revisions)                     // 'ae1027'
 * revisionForName('ae1', revisions)                        // 'ae1027', when no other id starts so
 * ```
 * @throws {AmbiguousRevisionError} when several revisions go by the name, or their ids start with it.
 * @throws {RevisionNotFoundError} when no revision does.
 */
export function revisionForName(name: string, revisions: readonly RevisionSummary[]): string {
  const bare = name.replace(/\.[cm]?[jt]s$/, '');
  if (bare === '') throw new RevisionNotFoundError(name);
  if (revisions.some((revision) => revision.id === bare)) return bare;
  const className = TIMESTAMP_NAME.test(bare) ? `Migration${bare}` : bare;
  const named = revisions.filter((revision) => ormMigrationName(revision) === className);
  const found = named.length > 0 ? named : revisions.filter((revision) => revision.id.startsWith(bare));
  if (found.length > 1) throw new AmbiguousRevisionError(bare, found.map((revision) => revision.id));
  if (found.length === 0) throw new RevisionNotFoundError(name);
  return found[0]!.id;
}

/**
 * A MikroORM project's migration files, named and ordered as MikroORM 7's migrator
 * names and orders them (`AbstractMigrator.discoverMigrations` in `@mikro-orm/core`,
 * `MigrationStorage.getMigrationName` in `@mikro-orm/migrations`).
 */

import path from 'node:path';
import type { MikroOrmMigrationSettings } from './mikro-orm-migration-settings.js';

/** One migration file as MikroORM sees it. */
export interface MikroOrmMigrationFile {
  /** The migration's name, as MikroORM records it: the file name without `.ts`/`.js` (`Migration20241116000001`). */
  readonly name: string;
  /** The file's name (`Migration20241116000001.ts`). */
  readonly fileName: string;
  /** The file (absolute). */
  readonly path: string;
}

/**
 * MikroORM's name of a migration file or of a recorded row: the name without a
 * `.ts` or `.js` ending (older MikroORM versions recorded names with one; `.cjs` and
 * `.mts` endings stay, as MikroORM keeps them).
 *
 * ### Examples
 * ```ts
 * mikroOrmMigrationName('Migration20241116000001.ts') // 'Migration20241116000001'
 * mikroOrmMigrationName('Migration20241116000001')    // 'Migration20241116000001'
 * ```
 */
export function mikroOrmMigrationName(fileOrRow: string): string {
  return fileOrRow.replace(/\.[jt]s$/, '');
}

/**
 * The migration files of `settings.directory` matching `settings.glob`, in the order
 * MikroORM runs them: by path, as JavaScript sorts strings. MikroORM's own file
 * matcher (`fs.glob`, with tinyglobby when installed) decides which files match.
 *
 * ### Examples
 * ```ts
 * await listMikroOrmMigrations({ directory: '/srv/app/src/migrations', glob: '!(*.d).{js,ts,cjs}', … })
 * // [{ name: 'Migration20241116000001', fileName: 'Migration20241116000001.ts', path: '/srv/app/src/migrations/Migration20241116000001.ts' }, …]
 * ```
 */
export async function listMikroOrmMigrations(settings: Pick<MikroOrmMigrationSettings, 'directory' | 'glob'>): Promise<MikroOrmMigrationFile[]> {
  const { fs } = await import('@mikro-orm/core/fs-utils');
  await fs.init();
  const files = fs.glob(fs.normalizePath(settings.directory, settings.glob)).sort();
  return files.map((file) => {
    const fileName = file.replace(/\\/g, '/').split('/').pop()!;
    return { name: mikroOrmMigrationName(fileName), fileName, path: path.resolve(file) };
  });
}

/**
 * The migrations settings of a MikroORM config, resolved as MikroORM 7's migrator
 * resolves them (`AbstractMigrator.resolvePaths`/`detectSourceFolder` in
 * `@mikro-orm/core`, `MigrationStorage.resolveTableName` in `@mikro-orm/migrations`):
 * which folder holds the migration files, which files are migrations, and which table
 * records the ones applied.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { MikroOrmConfigInvalidError } from '@cloudguard/migrate-core';
import type { LoadedMikroOrmConfig } from './mikro-orm-config-file.js';

/** MikroORM's default table of applied migrations. */
export const DEFAULT_MIKRO_ORM_MIGRATIONS_TABLE = 'mikro_orm_migrations';

/** MikroORM's default pattern of migration files in the folder: `.js`, `.ts` and `.cjs`, not `.d.ts`. */
export const DEFAULT_MIKRO_ORM_MIGRATIONS_GLOB = '!(*.d).{js,ts,cjs}';

/** Where a MikroORM project keeps its migrations, and where it records those applied. */
export interface MikroOrmMigrationSettings {
  /** The folder of the migration files (absolute). */
  readonly directory: string;
  /** The pattern of migration files in {@link directory} (`migrations.glob`). */
  readonly glob: string;
  /** The table of applied migrations, without its schema (`migrations.tableName`, `mikro_orm_migrations`). */
  readonly tableName: string;
  /**
   * The table's schema when the config names one (`migrations.schema`, a `schema.table`
   * `tableName`, or the config's `schema`); `undefined` otherwise, and the table is read
   * where the connection's unqualified names go (PostgreSQL: the `search_path`, `public`
   * unless the cgmigrate config targets a schema, as MikroORM's default schema).
   */
  readonly schema: string | undefined;
}

/**
 * The migrations settings of a loaded config.
 *
 * The folder is `migrations.pathTs` when set and MikroORM would run the project as
 * TypeScript (its CLI does unless `preferTs` is false), else `migrations.path`; with
 * neither, `./migrations`, or when a `src` folder exists and `./migrations` does not,
 * `./src/migrations` (TypeScript) or `./dist/migrations` / `./build/migrations`. Paths are
 * relative to `baseDir` (the working directory by default). MikroORM 7.2.1 itself falls
 * back to `baseDir` in one case (a `src` folder and a `./migrations` folder, neither path
 * set); this takes `./migrations` there, the folder its documentation names.
 *
 * ### Examples
 * ```ts
 * readMikroOrmMigrationSettings({ path: '/srv/app/mikro-orm.config.ts', options: { migrations: { path: './db' } }, … }, '/srv/app')
 * // { directory: '/srv/app/db', glob: '!(*.d).{js,ts,cjs}', tableName: 'mikro_orm_migrations', schema: undefined }
 * ```
 * @throws {MikroOrmConfigInvalidError} when the migrations are classes (`migrationsList`) or the folder does not exist.
 */
export function readMikroOrmMigrationSettings(config: LoadedMikroOrmConfig, cwd: string): MikroOrmMigrationSettings {
  const options = config.options;
  const migrations = (isObject(options['migrations']) ? options['migrations'] : {}) as Record<string, unknown>;
  if (migrations['migrationsList'] !== undefined) {
    throw new MikroOrmConfigInvalidError(
      config.path,
      'its migrations are classes listed in migrations.migrationsList, not files: there is no file to adopt (write them as files first)',
    );
  }
  const baseDir = typeof options['baseDir'] === 'string' ? path.resolve(cwd, options['baseDir']) : cwd;
  const directory = path.resolve(baseDir, migrationsFolder(migrations, baseDir, config.preferTs));
  if (!existsSync(directory)) {
    throw new MikroOrmConfigInvalidError(config.path, `its migrations folder ${directory} does not exist`);
  }
  const tableOption = stringOption(migrations['tableName']) ?? DEFAULT_MIKRO_ORM_MIGRATIONS_TABLE;
  const [prefix, name] = tableOption.includes('.') ? tableOption.split('.', 2) : [undefined, tableOption];
  return {
    directory,
    glob: stringOption(migrations['glob']) ?? DEFAULT_MIKRO_ORM_MIGRATIONS_GLOB,
    tableName: name!,
    schema: stringOption(migrations['schema']) ?? prefix ?? stringOption(options['schema']),
  };
}

/** The folder as `resolvePaths` picks it, relative to `baseDir`. */
function migrationsFolder(migrations: Record<string, unknown>, baseDir: string, preferTs: boolean): string {
  let pathOption = stringOption(migrations['path']);
  let pathTs = stringOption(migrations['pathTs']);
  const defaultPath = './migrations';
  if (pathOption === undefined && pathTs === undefined) {
    if (!existsSync(path.join(baseDir, 'src')) || existsSync(path.join(baseDir, defaultPath))) {
      pathOption = defaultPath;
    } else {
      const built = existsSync(path.join(baseDir, 'dist')) ? './dist' : existsSync(path.join(baseDir, 'build')) ? './build' : './src';
      pathOption = `${built}/migrations`;
      pathTs = './src/migrations';
    }
  }
  return preferTs && pathTs !== undefined ? pathTs : (pathOption ?? defaultPath);
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

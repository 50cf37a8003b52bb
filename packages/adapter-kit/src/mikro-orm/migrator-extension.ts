import { ConfigInvalidError } from '@cloudguard/migrate-core';
import type { MikroORM } from '@mikro-orm/core';

import { CgmigrateMigrator } from './cgmigrate-migrator.js';
import type { CgmigrateMigratorOptions, OrmMigratorDialect } from './migrator-target.js';

/** The key under which MikroORM looks up `orm.migrator` (`config.getExtension('@mikro-orm/migrator')`). */
const MIGRATOR_EXTENSION_KEY = '@mikro-orm/migrator';

/**
 * The name `MikroORM.init()` looks for before it adds MikroORM's own migrator
 * (`extensions.some((ext) => ext.name === 'Migrator')`): an extension of this name keeps it out.
 */
const MIGRATOR_EXTENSION_NAME = 'Migrator';

/** A MikroORM extension class, as `extensions: [...]` in a MikroORM config takes it. */
export interface MigratorExtension {
  /** `'Migrator'`, so that `MikroORM.init()` does not add MikroORM's own migrator beside it. */
  readonly name: string;
  /** Makes `orm.migrator` a {@link CgmigrateMigrator} for this ORM. */
  register(orm: MikroORM): void;
}

/**
 * The MikroORM extension that makes `orm.migrator` (and the `mikro-orm migration:*`
 * commands) run through cgmigrate, for one dialect. The adapters export it for their
 * dialect as `cgmigrateMigrator(options)` from their `/mikro-orm` entry.
 *
 * The extension is a class named `Migrator`, so `MikroORM.init()` does not add MikroORM's
 * own migrator; listing another `Migrator` too (MikroORM's, or a second of these) is
 * refused when the ORM starts, whatever the order, rather than letting the one
 * registered last win.
 *
 * @throws {ConfigInvalidError} (`CONFIG_INVALID`, key `extensions`), from `MikroORM.init()`, when the ORM's extensions list another `Migrator`.
 *
 * ### Examples
 * ```ts
 * export function cgmigrateMigrator(options: CgmigrateMigratorOptions = {}): MigratorExtension {
 *   return migratorExtension({ packageName: '@cloudguard/migrate-adapter-sqlite', databaseUrl: sqliteOrmDatabaseUrl }, options);
 * }
 * ```
 */
export function migratorExtension(dialect: OrmMigratorDialect, options: CgmigrateMigratorOptions = {}): MigratorExtension {
  // A class, as MikroORM's own extensions are: MikroORM copies plain objects of its options, never functions.
  class Migrator {
    static register(orm: MikroORM): void {
      const others = orm.config.get('extensions').filter((other) => other !== Migrator && (other as { name?: unknown }).name === MIGRATOR_EXTENSION_NAME);
      if (others.length > 0) {
        throw new ConfigInvalidError(
          undefined,
          `extensions: the MikroORM config lists another Migrator (MikroORM's own from @mikro-orm/migrations, or a second cgmigrateMigrator()) beside cgmigrateMigrator() from ${dialect.packageName}/mikro-orm; ` +
            'keep only one, so that orm.migrator runs through cgmigrate',
          { key: 'extensions' },
        );
      }
      orm.config.registerExtension(MIGRATOR_EXTENSION_KEY, () => new CgmigrateMigrator(orm, dialect, options));
    }
  }
  // Set, not left to the class's declaration: a service's bundler may rename classes.
  Object.defineProperty(Migrator, 'name', { value: MIGRATOR_EXTENSION_NAME });
  return Migrator;
}

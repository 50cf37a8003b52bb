import { redactUrl, sameDatabaseUrl } from '../adapter/database-url.js';
import type { AdapterConnection, DialectAdapter } from '../adapter/dialect-adapter.js';
import type { SchemaObjectFilter } from '../adapter/schema-change.js';
import { ConfigInvalidError, DatabaseError, isMigrateError, ShadowDatabaseUnusableError } from '../errors.js';
import type { MigrationEnvironment } from './environment.js';

/** The database `verify` runs the migrations on: never the configured one. */
export interface VerifyDatabase {
  /** `scratch`: created for this run and dropped after it; `shadow`: the user's `shadowUrl`, left at base. */
  readonly kind: 'scratch' | 'shadow';
  readonly url: string;
  /** Where it is, for messages: never a password. */
  readonly description: string;
  /** Drops a scratch database; nothing for a shadow one. Safe to call more than once. */
  drop(): Promise<void>;
}

/**
 * The database to verify on: the shadow database when one is given (refused when it is
 * the configured database), else a scratch database the adapter creates.
 *
 * @throws {ShadowDatabaseUnusableError} when `shadowUrl` names the configured database.
 * @throws {ConfigInvalidError} (key `shadowUrl`) when the adapter cannot create a database and no shadow is given.
 * @throws {DatabaseError} when the scratch database cannot be created.
 */
export async function openVerifyDatabase(
  env: MigrationEnvironment,
  adapter: DialectAdapter,
  shadowUrl: string | undefined,
): Promise<VerifyDatabase> {
  const { config } = env;
  if (shadowUrl !== undefined) {
    if (sameDatabaseUrl(config.url, shadowUrl, config.cwd)) throw new ShadowDatabaseUnusableError('same-as-url', redactUrl(shadowUrl));
    return { kind: 'shadow', url: shadowUrl, description: `the shadow database ${redactUrl(shadowUrl)}`, drop: async () => {} };
  }
  if (adapter.createScratchDatabase === undefined) {
    throw new ConfigInvalidError(
      config.configPath,
      `the ${adapter.name} adapter cannot create a throwaway database for verify (it has no createScratchDatabase): ` +
        'set `shadowUrl` in the config (or pass --shadow-url) to an empty database verify may fill and empty',
      { key: 'shadowUrl' },
    );
  }
  try {
    const scratch = await adapter.createScratchDatabase({ url: config.url, cwd: config.cwd });
    return { kind: 'scratch', url: scratch.url, description: scratch.description, drop: () => scratch.drop() };
  } catch (error) {
    if (isMigrateError(error)) throw error;
    throw new DatabaseError(`Creating a throwaway ${adapter.name} database for verify`, { cause: error });
  }
}

/**
 * Refuses a shadow database that is not empty: a version row, or any object but
 * cgmigrate's own tables (when the adapter can list them). Reads only.
 *
 * @throws {ShadowDatabaseUnusableError} (`not-empty`) naming what it holds.
 */
export async function assertEmptyShadow(database: VerifyDatabase, connection: AdapterConnection, include: SchemaObjectFilter): Promise<void> {
  const found = (await connection.versionStore.read()).map((version) => `version row ${version}`);
  const snapshot = await connection.schemaDiffer?.snapshot?.(include);
  if (snapshot !== undefined) found.push(...snapshot.objects);
  if (found.length > 0) throw new ShadowDatabaseUnusableError('not-empty', redactUrl(database.url), found);
}

import { Configuration } from '@mikro-orm/core';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';

/**
 * A dialect's MikroORM platform with its configuration, for compiling without a
 * database (offline `--sql`): MikroORM's driver is named, never started.
 *
 * ### Examples
 * ```ts
 * const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
 * const platform = unconnectedPlatform(PostgreSqlDriver, 'app');
 * ```
 */
export function unconnectedPlatform(driver: unknown, dbName: string): AbstractSqlPlatform {
  const config = new Configuration({ driver, dbName, allowGlobalContext: true, discovery: { warnWhenNoEntities: false } } as never, false);
  return config.getPlatform() as AbstractSqlPlatform;
}

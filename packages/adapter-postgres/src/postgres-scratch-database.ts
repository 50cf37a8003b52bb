import { randomBytes } from 'node:crypto';

import { DatabaseError, isMigrateError, redactedDatabaseError, type ConnectOptions, type ScratchDatabase, type ScratchDatabaseOptions } from '@cloudguard/migrate-core/adapter';
import type { Client } from 'pg';

import { openPgClient, type Pg } from './postgres-client.js';
import { describeTarget, pgClientConfig } from './postgres-connection-config.js';
import { quoteIdentifier } from './postgres-identifier.js';
import { parsePostgresUrl, withDatabase, type PostgresLocation } from './postgres-url.js';

/** Every scratch database's name starts so; `verify`'s tests look for leftovers by it. */
export const SCRATCH_DATABASE_PREFIX = 'cgmigrate_verify_';

/** The database every PostgreSQL server has, to connect to when the configured one does not exist yet. */
const MAINTENANCE_DATABASE = 'postgres';

/**
 * A throwaway PostgreSQL database for `cgmigrate verify`: `CREATE DATABASE
 * cgmigrate_verify_<random>` on the configured server, as the configured user (who must
 * be allowed to create databases), connected to through the configured database, or
 * `postgres` when that one does not exist yet. Its URL is the configured one with the
 * database replaced. {@link ScratchDatabase.drop} runs `DROP DATABASE … WITH (FORCE)`
 * (PostgreSQL 13 and later), which ends any session still on it: a run that failed or
 * was interrupted may have left one.
 *
 * @throws {DatabaseError} when the server cannot be reached or refuses `CREATE DATABASE`;
 *   the message never holds the password.
 */
export async function createPostgresScratchDatabase(options: ScratchDatabaseOptions): Promise<ScratchDatabase> {
  const { default: pg } = await import('pg');
  const location = parsePostgresUrl(options.url);
  const name = `${SCRATCH_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  const connectOptions = { url: options.url } as ConnectOptions;
  const admin = await openAdminClient(pg, location, connectOptions);
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } catch (error) {
    throw redactedDatabaseError(`Creating the database ${name} on ${describeTarget(location)} for verify`, error, options.url, location.password);
  } finally {
    await admin.end().catch(() => {});
  }
  let dropped = false;
  const scratchUrl = withDatabase(options.url, name);
  return {
    url: scratchUrl,
    description: `a throwaway PostgreSQL database, ${describeTarget({ ...location, database: name })}`,
    async drop() {
      if (dropped) return;
      const client = await openAdminClient(pg, location, connectOptions);
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
        dropped = true;
      } catch (error) {
        if (isMigrateError(error)) throw error;
        throw redactedDatabaseError(`Dropping the verify database ${name}`, error, options.url, location.password);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}

/** A client on the configured database, or on `postgres` when the configured one does not exist (3D000). */
async function openAdminClient(pg: Pg, location: PostgresLocation, options: ConnectOptions): Promise<Client> {
  try {
    return await openPgClient(pg, pgClientConfig(location, undefined), location, options, 'Connecting (to create a database for verify) to');
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (!(error instanceof DatabaseError) || code !== '3D000' || location.database === MAINTENANCE_DATABASE) throw error;
    const maintenance = { ...location, database: MAINTENANCE_DATABASE };
    return openPgClient(pg, pgClientConfig(maintenance, undefined), maintenance, options, 'Connecting (to create a database for verify) to');
  }
}

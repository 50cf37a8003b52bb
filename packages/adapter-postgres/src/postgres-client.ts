import { redactedDatabaseError, type ConnectOptions } from '@cloudguard/migrate-core/adapter';
import type PgModule from 'pg';
import type { Client, ClientConfig } from 'pg';

import { describeTarget } from './postgres-connection-config.js';
import type { PostgresLocation } from './postgres-url.js';

/** The `pg` module, loaded by the caller only when a command connects. */
export type Pg = typeof PgModule;

/**
 * Opens one pg `Client`. A connection the server drops while idle makes pg emit
 * `'error'`, which would crash the process without a listener; the next query on it
 * fails anyway, so the listener only keeps the event from being fatal.
 *
 * @throws {DatabaseError} when the connection fails; the message never holds the password.
 */
export async function openPgClient(
  pg: Pg,
  config: ClientConfig,
  location: PostgresLocation,
  options: ConnectOptions,
  purpose = 'Connecting to',
): Promise<Client> {
  const client = new pg.Client(config);
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw redactedDatabaseError(`${purpose} ${describeTarget(location)}`, error, options.url, location.password);
  }
}

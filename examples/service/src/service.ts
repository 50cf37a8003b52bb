import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { MigrationManager } from '@cloudguard/migrate-core';

import type { ServiceLogger } from './logger.js';
import { prepareDatabase } from './prepare-database.js';
import type { ServiceConfig } from './service-config.js';

/** A started service. */
export interface RunningService {
  readonly port: number;
  /** Stops taking requests and closes the database connection. */
  stop(): Promise<void>;
}

/**
 * Prepares the database (see {@link prepareDatabase}), then serves:
 * - `GET /health`: `{ status: 'ok', revisions: [...] }`, the revisions the database is at;
 * - `GET /migrations`: every revision, newest first, with when it was applied.
 *
 * @throws {StartupRefusedError} when the database is not ready and the service must not start.
 */
export async function startService(config: ServiceConfig, log: ServiceLogger): Promise<RunningService> {
  const manager = await prepareDatabase(config, log);
  const server = createServer((request, response) => {
    route(manager, request, response).catch((error: unknown) => {
      log.error(`${request.method} ${request.url} failed: ${(error as Error).message}`);
      send(response, 500, { error: 'internal error' });
    });
  });
  try {
    await listen(server, config.port);
  } catch (error) {
    await manager.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log.info(`Listening on http://127.0.0.1:${port}`);
  return {
    port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await manager.close();
    },
  };
}

async function route(manager: MigrationManager, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'GET' && request.url === '/health') {
    const { revisions } = await manager.current();
    send(response, 200, { status: 'ok', revisions: revisions.map((rev) => rev.id) });
  } else if (request.method === 'GET' && request.url === '/migrations') {
    const { revisions } = await manager.history();
    send(response, 200, {
      revisions: revisions.map((rev) => ({ id: rev.id, message: rev.message, appliedAt: rev.appliedAt?.toISOString() ?? null })),
    });
  } else {
    send(response, 404, { error: 'not found' });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

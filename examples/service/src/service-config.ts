import { fileURLToPath } from 'node:url';

/** How the service starts, read from its environment. */
export interface ServiceConfig {
  /** Port to listen on; 0 picks a free one (the log line says which). */
  readonly port: number;
  /** `SERVICE_READ_ONLY=true`: never migrate; refuse to start while migrations are pending. */
  readonly readOnly: boolean;
  /** The service's root folder: its `cgmigrate.config.ts`, `migrations/` and relative SQLite paths. */
  readonly root: string;
  /** `LOG_LEVEL`: `debug`, `info` (default), `warn` or `error`. */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** The service's package folder, seen from `dist/` (and from `src/` when run unbuilt). */
export const SERVICE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Reads the service's settings from `env`. The database URL is not read here: the
 * migration API reads `DATABASE_URL` and the config file exactly as the CLI does.
 *
 * @throws {Error} naming the variable, for a value that cannot be used.
 */
export function readServiceConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const port = Number(env['PORT'] ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not '${env['PORT']}'`);
  const readOnly = parseFlag('SERVICE_READ_ONLY', env['SERVICE_READ_ONLY']);
  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'error') {
    throw new Error(`LOG_LEVEL must be debug, info, warn or error, not '${logLevel}'`);
  }
  return { port, readOnly, root: SERVICE_ROOT, logLevel };
}

function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value.toLowerCase() === 'false') return false;
  if (value === '1' || value.toLowerCase() === 'true') return true;
  throw new Error(`${name} must be true or false, not '${value}'`);
}

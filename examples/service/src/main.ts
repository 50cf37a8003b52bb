/**
 * The example service's entry point: `node dist/main.js`. Settings come from the
 * environment: `DATABASE_URL`, `PORT`, `SERVICE_READ_ONLY`, `LOG_LEVEL`.
 *
 * @packageDocumentation
 */
import { jsonLogger } from './logger.js';
import { StartupRefusedError } from './prepare-database.js';
import { readServiceConfig } from './service-config.js';
import { startService } from './service.js';

const log = jsonLogger('service');

try {
  const config = readServiceConfig(process.env);
  const service = await startService(config, jsonLogger('service', { minimum: config.logLevel }));
  const shutdown = (signal: string) => {
    log.info(`${signal} received, stopping`);
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error(`Stopping failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  log.error(error instanceof StartupRefusedError ? error.message : `Refusing to start: ${(error as Error).message}`);
  process.exitCode = 1;
}

/**
 * The example service's entry point: `node dist/main.js`. Settings come from the
 * environment: `DATABASE_URL`, `PORT`, `SERVICE_READ_ONLY`, `LOG_LEVEL`.
 *
 * @packageDocumentation
 */
import { jsonLogger } from './logger.js';
import { StartupRefusedError } from './prepare-database.js';
import { readServiceConfig } from './service-config.js';
import { startService, type RunningService } from './service.js';

const log = jsonLogger('service');
let starting: Promise<RunningService> | undefined;

// Installed before start-up, so that a SIGTERM during migrations waits for them to end
// (and their lock to be released) instead of killing the process half-way.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info(`${signal} received, stopping`);
    (starting ?? Promise.reject(new Error('not started')))
      .then((service) => service.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error(`Stopping failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
  });
}

try {
  const config = readServiceConfig(process.env);
  starting = startService(config, jsonLogger('service', { minimum: config.logLevel }));
  await starting;
} catch (error) {
  log.error(error instanceof StartupRefusedError ? error.message : `Refusing to start: ${(error as Error).message}`);
  process.exitCode = 1;
}

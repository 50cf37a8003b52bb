import { redactUrl } from '../adapter/database-url.js';
import type { ResolvedConfig } from '../config/define-config.js';
import { describeLockWait, describeStep, type MigrationEvent, type MigrationEventListener } from '../runtime/events.js';
import type { MigrationLogger } from './api-options.js';

/**
 * One listener that hands each event to `onEvent` and, as a line of text, to `logger`;
 * `undefined` when neither is given, so that nothing is computed for nobody.
 */
export function progressListener(
  onEvent: MigrationEventListener | undefined,
  logger: MigrationLogger | undefined,
): MigrationEventListener | undefined {
  if (!onEvent && !logger) return undefined;
  return (event) => {
    onEvent?.(event);
    if (logger) logEvent(logger, event);
  };
}

function logEvent(logger: MigrationLogger, event: MigrationEvent): void {
  switch (event.type) {
    case 'step-start':
      logger.info?.(describeStep(event.step));
      return;
    case 'step-end':
      logger.debug?.(`Finished ${event.step.direction} of ${event.step.revision} in ${Math.round(event.durationMs)} ms`);
      return;
    case 'warning':
      logger.warn?.(event.message);
      return;
    case 'lock-wait':
      logger.info?.(describeLockWait(event));
      return;
    case 'lock-acquired':
      logger.info?.(`Took the migration lock after waiting ${event.waitedMs} ms`);
      return;
  }
}

/** The debug line that says which configuration and database a call uses (the password hidden). */
export function describeSetup(config: ResolvedConfig, adapterName: string): string {
  const source = { flag: 'the url option', env: 'DATABASE_URL', config: 'the config', default: 'the default' }[config.urlSource];
  const file = config.configPath ?? 'no config file';
  return `cgmigrate: ${adapterName} database ${redactUrl(config.url)} (from ${source}; ${file}; scripts in ${config.scriptLocation})`;
}

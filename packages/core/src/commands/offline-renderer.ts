import type { DialectAdapter, OfflineRenderer } from '../adapter/dialect-adapter.js';
import { OfflineNotSupportedError } from '../errors.js';
import type { MigrationEnvironment } from './environment.js';

/** The renderer of the environment's adapter, loaded without connecting. */
export async function offlineRenderer(env: MigrationEnvironment, adapter: DialectAdapter): Promise<OfflineRenderer> {
  if (typeof adapter.renderOffline !== 'function') throw new OfflineNotSupportedError(adapter.name);
  const { config } = env;
  return adapter.renderOffline({
    url: config.url,
    cwd: config.cwd,
    versionTable: config.versionTable,
    auditTable: config.auditTable,
  });
}

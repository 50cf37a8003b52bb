import type { AdapterRegistration } from '@cloudguard/migrate-core';

/**
 * The `cgmigrate:adapters` hook of this package as a CLI plugin: it tells the CLI which
 * URL schemes the adapter serves and how to load it. It imports nothing itself, so that
 * commands that never open a MariaDB database never load MikroORM or mysql2.
 *
 * ### Examples
 * ```json
 * // package.json
 * "oclif": { "hooks": { "cgmigrate:adapters": "./dist/hooks/adapters.js" } }
 * ```
 */
export default async function adapters(): Promise<AdapterRegistration[]> {
  return [
    {
      schemes: ['mysql', 'mariadb'],
      packageName: '@cloudguard-examples/migrate-adapter-mariadb',
      load: () => import('../index.js'),
    },
  ];
}

import { describe, expect } from 'vitest';

import { ADAPTER_API_VERSION, auditTableFor } from '../../adapter/dialect-adapter.js';
import type { ConformanceFixture } from './fixture.js';

/** The adapter object itself: what core reads before it connects. */
export function contractChecks(fx: ConformanceFixture): void {
  describe('contract', () => {
    fx.check('contract.shape', 'declares the API version, a name, URL schemes and its capabilities', async () => {
      const adapter = fx.adapter;
      expect(adapter.apiVersion).toBe(ADAPTER_API_VERSION);
      expect(adapter.name).toMatch(/^\S+$/);
      expect(adapter.schemes.length).toBeGreaterThan(0);
      for (const scheme of adapter.schemes) expect(scheme).toMatch(/^[a-z][a-z0-9+.-]*$/);
      expect(typeof adapter.capabilities.transactionalDdl).toBe('boolean');
      expect(typeof adapter.connect).toBe('function');
      // the registry picks an adapter by the URL's scheme, so it must serve the scheme of its own databases
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(fx.database.url)?.[1]?.toLowerCase().split('+')[0];
      expect(adapter.schemes).toContain(scheme);
    });

    fx.check('contract.connect', 'connects, with the stores on the configured tables', async () => {
      const versionTable = { name: 'alembic_version' };
      const connection = await fx.connect({ versionTable });
      expect(connection.versionStore.table).toMatchObject(versionTable);
      expect(connection.auditStore.table).toEqual(auditTableFor({ versionTable }));
      const inspecting = await fx.connect({ purpose: 'inspect' });
      expect(inspecting.versionStore.table).toMatchObject(versionTable);
    });
  });
}

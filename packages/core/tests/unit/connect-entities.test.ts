import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { ConnectOptions, DialectAdapter } from '../../src/adapter/dialect-adapter.js';
import { MigrationManager } from '../../src/api/migration-manager.js';
import { current } from '../../src/commands/current.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import { fleetTask } from '../../src/fleet/fleet-commands.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/** Stand-ins for MikroORM entities: core passes them on untouched. */
const User = { name: 'User' };
const Scan = { name: 'Scan' };

/** A project with one migration, and an adapter that records what each connect was given. */
function project() {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-connect-entities-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  writeFileSync(
    path.join(cwd, 'migrations', 'versions', 'a1.mjs'),
    "export default { revision: 'a1', downRevision: null, async up(op) { await op.execute('CREATE TABLE t'); } };\n",
  );
  const connects: Pick<ConnectOptions, 'purpose' | 'entities'>[] = [];
  const memory = createMemoryAdapter();
  const adapter: DialectAdapter = {
    ...memory,
    connect: (options) => {
      connects.push({ purpose: options.purpose, ...('entities' in options ? { entities: options.entities } : {}) });
      return memory.connect(options);
    },
  };
  return { cwd, adapter, connects };
}

describe('ConnectOptions.entities', () => {
  it('a migrate connection gets the configured entities, an inspect connection none', async () => {
    const { cwd, adapter, connects } = project();
    const env = createEnvironment(await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter, entities: [User, Scan] } }));
    await upgrade(env);
    await current(env);
    expect(connects).toEqual([{ purpose: 'migrate', entities: [User, Scan] }, { purpose: 'inspect' }]);
    expect(connects[0]!.entities![0]).toBe(User);
  });

  it('is [] on a migrate connection when no entities are configured', async () => {
    const { cwd, adapter, connects } = project();
    await upgrade(createEnvironment(await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter } })));
    expect(connects).toEqual([{ purpose: 'migrate', entities: [] }]);
  });

  it('reaches each target of a fleet, and the connection a MigrationManager shares', async () => {
    const { cwd, adapter, connects } = project();
    const env = createEnvironment(await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter, entities: [User] } }));
    const task = fleetTask(env, { command: 'upgrade' }, new Set());
    for (const name of ['t1', 't2']) await task({ name, url: `memory://${name}` }, { onEvent: () => {} } as never);
    expect(connects.filter((options) => options.purpose === 'migrate')).toEqual([
      { purpose: 'migrate', entities: [User] },
      { purpose: 'migrate', entities: [User] },
    ]);

    connects.length = 0;
    await using manager = new MigrationManager({ cwd, env: {}, url: 'memory://shared', adapter, config: { entities: [User] } });
    await manager.upgrade();
    await manager.current();
    expect(connects).toEqual([{ purpose: 'migrate', entities: [User] }]);
  });
});

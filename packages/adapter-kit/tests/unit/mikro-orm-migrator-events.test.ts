import type { MigrationEvent, StepInfo } from '@cloudguard/migrate-core';
import type { MigrationInfo } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';

import { MigratorEvents } from '../../src/mikro-orm/migrator-events.js';

const step = (direction: StepInfo['direction'], revision: string): StepInfo => ({
  direction,
  revision,
  from: [],
  to: [revision],
  message: `m ${revision}`,
  transactional: true,
  path: `/srv/app/migrations/versions/${revision}.ts`,
});
const start = (info: StepInfo): MigrationEvent => ({ type: 'step-start', step: info });
const end = (info: StepInfo): MigrationEvent => ({ type: 'step-end', step: info, durationMs: 1 });

describe('MigratorEvents', () => {
  it('turns cgmigrate steps into migrating/migrated and reverting/reverted, and stamps into nothing', async () => {
    const events = new MigratorEvents();
    const seen: string[] = [];
    for (const name of ['migrating', 'migrated', 'reverting', 'reverted'] as const) events.on(name, (info: MigrationInfo) => void seen.push(`${name} ${info.name} ${info.path}`));
    const run = events.run();
    for (const info of [step('upgrade', 'a1'), step('downgrade', 'a1'), step('stamp', 'b2')]) {
      run.onEvent(start(info));
      run.onEvent(end(info));
    }
    run.onEvent({ type: 'warning', message: 'edited' });
    await run.settled();
    expect(seen).toEqual([
      'migrating a1 /srv/app/migrations/versions/a1.ts',
      'migrated a1 /srv/app/migrations/versions/a1.ts',
      'reverting a1 /srv/app/migrations/versions/a1.ts',
      'reverted a1 /srv/app/migrations/versions/a1.ts',
    ]);
  });

  it('keeps a listener\'s failure out of the run and rejects the call with it when the call returns', async () => {
    const events = new MigratorEvents();
    const failure = new Error('listener failed');
    events.on('migrated', () => Promise.reject(failure));
    events.on('migrating', () => {
      throw new Error('thrown, second');
    });
    const run = events.run();
    // Neither a throw into cgmigrate's runner nor an unhandled rejection before settled().
    expect(() => run.onEvent(start(step('upgrade', 'a1')))).not.toThrow();
    run.onEvent(end(step('upgrade', 'a1')));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(run.settled()).rejects.toThrow('thrown, second');
  });

  it('calls a listener no more after off()', async () => {
    const events = new MigratorEvents();
    let calls = 0;
    const listener = () => void calls++;
    events.on('migrated', listener);
    events.off('migrated', listener);
    const run = events.run();
    run.onEvent(end(step('upgrade', 'a1')));
    await run.settled();
    expect(calls).toBe(0);
  });
});

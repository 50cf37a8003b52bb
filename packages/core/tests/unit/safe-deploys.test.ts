import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/define-config.js';
import { check } from '../../src/commands/check.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { stamp } from '../../src/commands/stamp.js';
import { downgrade, upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import { isMigrateError } from '../../src/errors.js';
import { appliedEntries } from '../../src/runtime/audit.js';
import type { MigrationEvent } from '../../src/runtime/events.js';
import { checkLockRetry, resolveLockRetry } from '../../src/config/lock-retry-policy.js';
import { retryDelayMs } from '../../src/runtime/lock-retry.js';
import { createMemoryAdapter, type MemoryAdapterOptions } from '../../src/testing/memory-adapter.js';
import { RevisionMap } from '../../src/revision/revision-map.js';

interface Script {
  id: string;
  parent: string | null;
  up: string[];
  down?: string[];
  transactional?: boolean;
}

function source(script: Script): string {
  const statements = (list: string[]) => list.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ');
  return `export default {
  revision: '${script.id}',
  downRevision: ${script.parent === null ? 'null' : `'${script.parent}'`},
  ${script.transactional === false ? 'transactional: false,' : ''}
  async up(op) { ${statements(script.up)} },
  async down(op) { ${statements(script.down ?? [])} },
};
`;
}

const linear: Script[] = [
  { id: 'a1', parent: null, up: ['CREATE TABLE a'] },
  { id: 'b2', parent: 'a1', up: ['ALTER TABLE a ADD b'] },
  { id: 'c3', parent: 'b2', up: ['CREATE TABLE c'] },
];

async function project(
  scripts: Script[],
  options: MemoryAdapterOptions & { perMigration?: boolean; lockRetry?: { attempts?: number; backoffMs?: number } } = {},
) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-deploys-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  const files = new Map<string, string>();
  for (const [index, script] of scripts.entries()) {
    const file = path.join(cwd, 'migrations', 'versions', `${index}_${script.id}.mjs`);
    writeFileSync(file, source(script));
    files.set(script.id, file);
  }
  const adapter = createMemoryAdapter(options);
  const config = await loadConfig({
    cwd,
    env: {},
    url: 'memory://db',
    overrides: { adapter, transactionPerMigration: options.perMigration ?? false },
  });
  const events: MigrationEvent[] = [];
  // `lockRetry` is not a config key yet: set on the resolved config, as loadConfig will.
  const resolved = { ...config, lockRetry: resolveLockRetry({ backoffMs: 0, ...options.lockRetry }) } as ResolvedConfig;
  const env = createEnvironment(resolved, { onEvent: (event) => events.push(event) });
  return { env, db: adapter.database('memory://db'), events, files };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const warnings = (events: MigrationEvent[], code: string) =>
  events.filter((e): e is Extract<MigrationEvent, { type: 'warning' }> => e.type === 'warning' && e.code === code);

describe('audit table', () => {
  it('records every step with the file checksum, the time, the user, the host and the version, in order', async () => {
    const { env, db, files } = await project(linear);
    const before = Date.now();
    await upgrade(env);
    await downgrade(env, { target: '-1' });
    await stamp(env, { revisions: ['head'] });
    expect(db.audit?.map((e) => `${e.direction} ${e.revision}`)).toEqual([
      'upgrade a1',
      'upgrade b2',
      'upgrade c3',
      'downgrade c3',
      'stamp c3',
    ]);
    const first = db.audit![0]!;
    expect(first.checksum).toBe(sha256(files.get('a1')!));
    expect(first.appliedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(first.durationMs)).toBe(true);
    expect(first.appliedBy).toBeTruthy();
    expect(first.host).toBeTruthy();
    expect(first.toolVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is written in the transaction of the version change: a failed run leaves neither', async () => {
    const { env, db } = await project(linear, { failOn: /CREATE TABLE c/ });
    await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', revision: 'c3', completed: [] });
    // Both tables were created in the run's transaction: rolled back with it.
    expect(db.versions).toBeUndefined();
    expect(db.audit).toBeUndefined();
  });

  it('records a transactional: false migration with its version change', async () => {
    const { env, db } = await project([
      { id: 'a1', parent: null, up: ['CREATE TABLE a'] },
      { id: 'b2', parent: 'a1', up: ['CREATE INDEX CONCURRENTLY i ON a (x)'], transactional: false },
    ]);
    await upgrade(env);
    expect(db.versions).toEqual(['b2']);
    expect(db.audit?.map((e) => e.revision)).toEqual(['a1', 'b2']);
  });

  it('tells history when each applied revision was applied, leaving out what was downgraded', async () => {
    const { env, db } = await project(linear);
    await upgrade(env);
    await downgrade(env, { target: '-1' });
    const map = RevisionMap.from(linear.map((s) => ({ id: s.id, downRevisions: s.parent ? [s.parent] : [] })));
    const applied = appliedEntries(map, db.versions!, db.audit!);
    expect([...applied.keys()]).toEqual(['a1', 'b2']);
    expect(applied.get('a1')?.appliedAt).toBeInstanceOf(Date);
  });
});

describe('edited migrations', () => {
  it('upgrade warns about an applied migration whose file changed, and only about that one', async () => {
    const { env, events, files } = await project(linear);
    await upgrade(env, { target: 'b2' });
    appendFileSync(files.get('a1')!, '// edited after it ran\n');
    appendFileSync(files.get('c3')!, '// not applied yet: edits are fine\n');
    await upgrade(env);
    const edited = warnings(events, 'MIGRATION_EDITED');
    expect(edited.map((e) => e.revision)).toEqual(['a1']);
    expect(edited[0]!.message).toMatch(/^Migration a1 \(.*0_a1\.mjs\) was changed after it was applied on \d{4}-.*: its SHA-256 was [0-9a-f]{12}, now [0-9a-f]{12}$/);
  });

  it('forgets an edit once the revision was downgraded and upgraded again', async () => {
    const { env, events, files } = await project(linear);
    await upgrade(env);
    appendFileSync(files.get('c3')!, '// fixed\n');
    await downgrade(env, { target: '-1' });
    expect(warnings(events, 'MIGRATION_EDITED').map((e) => e.revision)).toEqual(['c3']);
    await upgrade(env);
    events.length = 0;
    await upgrade(env);
    expect(warnings(events, 'MIGRATION_EDITED')).toEqual([]);
  });

  it('check lists pending revisions and edited migrations, and passes once both are resolved', async () => {
    const { env, files } = await project(linear);
    expect(await check(env)).toMatchObject({ ok: false, current: [], pending: ['a1', 'b2', 'c3'] });
    await upgrade(env, { target: 'b2' });
    appendFileSync(files.get('b2')!, '// edited\n');
    const result = await check(env);
    expect(result).toMatchObject({ ok: false, current: ['b2'], heads: ['c3'], pending: ['c3'] });
    expect(result.problems.map((p) => p.code)).toEqual(['DB_NOT_UP_TO_DATE', 'MIGRATION_EDITED']);
    expect(result.problems[0]!.message).toBe('Target database is not up to date: 1 revision is not applied (c3)');
    expect(result.edited).toMatchObject([{ revision: 'b2', path: files.get('b2') }]);

    await upgrade(env);
    writeFileSync(files.get('b2')!, source(linear[1]!));
    expect(await check(env)).toMatchObject({ ok: true, problems: [], pending: [], edited: [] });
  });

  it('check creates nothing in a database that was never migrated', async () => {
    const { env, db } = await project(linear);
    await check(env);
    expect(db.versions).toBeUndefined();
    expect(db.audit).toBeUndefined();
  });
});

describe('lock retries', () => {
  it('runs a transaction that lost a lock wait again, with a warning each time, and succeeds', async () => {
    const { env, db, events } = await project(linear, {
      lockFailures: { on: /ALTER TABLE/, times: 2 },
      lockRetry: { attempts: 3, backoffMs: 0 },
    });
    const result = await upgrade(env);
    expect(result.to).toEqual(['c3']);
    expect(db.statements).toEqual(['CREATE TABLE a', 'ALTER TABLE a ADD b', 'CREATE TABLE c']);
    expect(db.audit?.map((e) => e.revision)).toEqual(['a1', 'b2', 'c3']);
    const retries = warnings(events, 'LOCK_RETRY');
    expect(retries.map((e) => e.revision)).toEqual(['b2', 'b2']);
    expect(retries[0]!.message).toBe(
      'Revision b2 could not take a lock in time (canceling statement due to lock timeout: ALTER TABLE a ADD b); ' +
        'its transaction was rolled back and runs again in 0 ms (attempt 2 of 3)',
    );
  });

  it('retries only the failed migration\'s transaction with transactionPerMigration', async () => {
    const { env, db, events } = await project(linear, {
      perMigration: true,
      lockFailures: { on: /CREATE TABLE c/, times: 1 },
    });
    await upgrade(env);
    expect(db.statements).toEqual(['CREATE TABLE a', 'ALTER TABLE a ADD b', 'CREATE TABLE c']);
    const started = events.filter((e) => e.type === 'step-start').map((e) => e.step.revision);
    expect(started).toEqual(['a1', 'b2', 'c3', 'c3']);
  });

  it('fails with MIGRATION_FAILED naming the revision once the attempts run out, keeping what was committed', async () => {
    const { env, db, events } = await project(linear, {
      perMigration: true,
      lockFailures: { on: /ALTER TABLE/, times: 10 },
      lockRetry: { attempts: 2 },
    });
    const error = await upgrade(env).catch((e: unknown) => e);
    expect(isMigrateError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', completed: ['a1'] });
    expect((error as Error).message).toMatch(/^Upgrade of revision b2 \(.*\) failed at statement: ALTER TABLE a ADD b: canceling statement due to lock timeout/);
    expect(db.versions).toEqual(['a1']);
    expect(warnings(events, 'LOCK_RETRY')).toHaveLength(1);
  });

  it('never retries a transactional: false migration', async () => {
    const { env, db, events } = await project(
      [
        { id: 'a1', parent: null, up: ['CREATE TABLE a'] },
        { id: 'b2', parent: 'a1', up: ['CREATE INDEX CONCURRENTLY i ON a (x)'], transactional: false },
      ],
      { lockFailures: { on: /CONCURRENTLY/, times: 1 } },
    );
    await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', completed: ['a1'] });
    expect(db.versions).toEqual(['a1']);
    expect(warnings(events, 'LOCK_RETRY')).toEqual([]);
  });

  it('validates and resolves the lockRetry policy, doubling the back-off', () => {
    expect(checkLockRetry({ attempts: 3, backoffMs: 500 })).toBeUndefined();
    expect(checkLockRetry({})).toBeUndefined();
    for (const bad of [null, 3, { attempts: 0 }, { attempts: 1.5 }, { backoffMs: -1 }, { attempt: 3 }]) {
      expect(checkLockRetry(bad)).toMatch(/^an object \{ attempts/);
    }
    expect(resolveLockRetry(undefined)).toEqual({ attempts: 3, backoffMs: 500 });
    expect(resolveLockRetry({ attempts: 5 })).toEqual({ attempts: 5, backoffMs: 500 });
    const policy = { attempts: 4, backoffMs: 500 };
    expect([1, 2, 3].map((retry) => retryDelayMs(policy, retry))).toEqual([500, 1000, 2000]);
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../../src/commands/environment.js';
import { upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import { InterruptedError, isMigrateError } from '../../src/errors.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/**
 * The runner supervises each step, as a library (no process-wide hook): operations a
 * migration did not await, the caller's AbortSignal, stepTimeout, and whether a failure
 * may claim a rollback. On the in-memory adapter, whose transactions really roll back.
 */

interface Script {
  readonly id: string;
  readonly parent: string | null;
  /** The body of `async up(op)`. */
  readonly up: string;
  readonly transactional?: boolean;
}

async function project(
  scripts: readonly Script[],
  options: { failOn?: RegExp; transactionalDdl?: boolean; stepTimeout?: number | 'off' } = {},
) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-supervision-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  for (const [index, script] of scripts.entries()) {
    writeFileSync(
      path.join(cwd, 'migrations', 'versions', `${index}_${script.id}.mjs`),
      `export default {
  revision: '${script.id}',
  downRevision: ${script.parent === null ? 'null' : `'${script.parent}'`},
  ${script.transactional === false ? 'transactional: false,' : ''}
  async up(op) { ${script.up} },
};
`,
    );
  }
  const memory = createMemoryAdapter({ failOn: options.failOn });
  const adapter = { ...memory, capabilities: { transactionalDdl: options.transactionalDdl ?? true } };
  const config = await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter, stepTimeout: options.stepTimeout } });
  return { env: createEnvironment(config), db: memory.database('memory://db') };
}

const first: Script = { id: 'a1', parent: null, up: "await op.execute('CREATE TABLE a');" };

describe('operations a migration did not await', () => {
  it('one that fails fails the step, names its statement, and nothing commits', async () => {
    const { env, db } = await project([first, { id: 'b2', parent: 'a1', up: "op.execute('CREATE TABLE b'); op.execute('INSERT INTO nowhere'); op.execute('CREATE TABLE c');" }], {
      failOn: /nowhere/,
    });
    const failure = await upgrade(env).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', statement: 'INSERT INTO nowhere', rolledBack: true, completed: [] });
    expect((failure as Error).message).toContain('this operation was not awaited');
    expect(db.statements).toEqual([]);
    expect(db.versions).toBeUndefined();
  });

  it('one that failed and was caught still fails the step (a failed statement never commits)', async () => {
    const { env, db } = await project([{ id: 'a1', parent: null, up: "await op.execute('CREATE TABLE a'); await op.execute('INSERT INTO nowhere').catch(() => {});" }], {
      failOn: /nowhere/,
    });
    await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', statement: 'INSERT INTO nowhere' });
    expect(db.statements).toEqual([]);
  });

  it('an operation started after its step ended does not run', async () => {
    const { env, db } = await project(
      [
        {
          id: 'a1',
          parent: null,
          up: "setTimeout(() => op.execute('CREATE TABLE late').catch((e) => { globalThis.lateError = e.message; }), 30); await new Promise(() => {});",
        },
      ],
      { stepTimeout: 10 },
    );
    await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(db.statements).toEqual([]);
    expect((globalThis as { lateError?: string }).lateError).toMatch(/CREATE TABLE late was started through op after its migration's step had ended/);
  });
});

describe('stepTimeout', () => {
  it('fails a step that does not settle in time, rolled back', async () => {
    const { env, db } = await project([first, { id: 'b2', parent: 'a1', up: "await op.execute('CREATE TABLE b'); await new Promise(() => {});" }], {
      stepTimeout: 50,
    });
    const failure = await upgrade(env).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', rolledBack: true });
    expect((failure as Error).message).toMatch(/failed: up\(\) did not settle within 50 ms \(stepTimeout\)$/);
    expect(db.statements).toEqual([]);
  });

  it('is validated: a positive number of milliseconds or off', async () => {
    for (const stepTimeout of [0, -1, 1.5, 'never', 2 ** 31]) {
      await expect(loadConfig({ cwd: tmpdir(), env: {}, url: 'memory://db', inline: { stepTimeout } as never })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining("'stepTimeout' must be 'off' or a positive number of milliseconds"),
      });
    }
    expect((await loadConfig({ cwd: tmpdir(), env: {}, inline: { stepTimeout: 'off' } })).stepTimeoutMs).toBeUndefined();
    expect((await loadConfig({ cwd: tmpdir(), env: {}, inline: { stepTimeout: 1000 } })).stepTimeoutMs).toBe(1000);
  });
});

describe('the caller\'s AbortSignal', () => {
  const waiting: Script = { id: 'b2', parent: 'a1', up: "await op.execute('CREATE TABLE b'); globalThis.stepRunning?.(); await new Promise((r) => setTimeout(r, 5000));" };
  const running = () => new Promise<void>((resolve) => ((globalThis as { stepRunning?: () => void }).stepRunning = resolve));

  it('interrupts the step with InterruptedError (controller.abort()): rolled back, the lock released, heads given', async () => {
    const { env, db } = await project([first, waiting]);
    await upgrade(env, { target: 'a1' });
    const controller = new AbortController();
    const started = running();
    const run = upgrade(env, { signal: controller.signal }).catch((error: unknown) => error);
    await started;
    controller.abort();
    const failure = await run;
    expect(failure).toBeInstanceOf(InterruptedError);
    expect(failure).toMatchObject({ code: 'INTERRUPTED', rolledBack: ['b2'], completed: [], mayHaveCommitted: [], heads: ['a1'] });
    expect(db.statements).toEqual(['CREATE TABLE a']);
    expect(db.versions).toEqual(['a1']);
    expect(db.locked).toBe(false);
  });

  it('fails the step with MIGRATION_FAILED caused by any other reason', async () => {
    const { env, db } = await project([first, waiting]);
    const controller = new AbortController();
    const started = running();
    const run = upgrade(env, { signal: controller.signal }).catch((error: unknown) => error);
    await started;
    controller.abort(new Error('shutting down'));
    const failure = await run;
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', rolledBack: true });
    expect((failure as Error).message).toMatch(/failed: shutting down$/);
    expect(db.statements).toEqual([]);
  });

  it('does not claim a rollback for a transactional: false step', async () => {
    const { env, db } = await project([first, { ...waiting, transactional: false }]);
    await upgrade(env, { target: 'a1' });
    const controller = new AbortController();
    const started = running();
    const run = upgrade(env, { signal: controller.signal }).catch((error: unknown) => error);
    await started;
    controller.abort();
    const failure = await run;
    expect(failure).toMatchObject({ code: 'INTERRUPTED', rolledBack: [], mayHaveCommitted: ['b2'], heads: ['a1'] });
    expect((failure as Error).message).toContain('b2 ran outside a transaction, so the statements it ran may have committed');
    expect(db.statements).toEqual(['CREATE TABLE a', 'CREATE TABLE b']);
  });

  it('installs no process-wide listener (core is a library)', async () => {
    const events = ['unhandledRejection', 'uncaughtException', 'SIGINT', 'SIGTERM', 'beforeExit', 'exit'] as const;
    const before = events.map((event) => process.listenerCount(event));
    const exit = process.exit;
    const { env } = await project([first, waiting]);
    const controller = new AbortController();
    const started = running();
    const run = upgrade(env, { signal: controller.signal }).catch((error: unknown) => error);
    await started;
    expect(events.map((event) => process.listenerCount(event))).toEqual(before);
    expect(process.exit).toBe(exit);
    controller.abort();
    expect(isMigrateError(await run)).toBe(true);
  });
});

describe('MigrationFailedError.rolledBack', () => {
  it('is false for a transactional: false migration, null (not known) without transactional DDL', async () => {
    const failing = (transactional: boolean): Script => ({ id: 'b2', parent: 'a1', up: "await op.execute('CREATE TABLE b'); await op.execute('INSERT INTO nowhere');", transactional });
    for (const [scripts, transactionalDdl, rolledBack] of [
      [[first, failing(false)], true, false],
      [[first, failing(true)], false, null],
    ] as const) {
      const { env } = await project(scripts, { failOn: /nowhere/, transactionalDdl });
      await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', rolledBack });
    }
    const { env } = await project([first, failing(true)], { failOn: /nowhere/ });
    await expect(upgrade(env)).rejects.toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', rolledBack: true });
  });
});

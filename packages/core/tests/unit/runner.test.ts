import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvironment, type MigrationEnvironment } from '../../src/commands/environment.js';
import { downgrade, runLocked, upgrade } from '../../src/commands/upgrade.js';
import { loadScripts, resolveAdapter, withConnection } from '../../src/commands/environment.js';
import { planUpgrade } from '../../src/plan/plan-upgrade.js';
import { CheckProgress, type RunCheck } from '../../src/runtime/commit-check.js';
import { loadConfig } from '../../src/config/load-config.js';
import { describeStep, type MigrationEvent } from '../../src/runtime/events.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';
import { LockLostError } from '../../src/errors.js';

interface Script {
  id: string;
  parent: string | null;
  up: string[];
  down?: string[];
  transactional?: boolean;
  /** Top-level code of the module, run when it is imported. */
  onImport?: string;
}

/** What the migrations of a test did, in order: `import <id>` as a module loads, `run <id>` as its `up()` starts. */
const trace: string[] = ((globalThis as { cgmigrateTrace?: string[] }).cgmigrateTrace = []);

function migrationSource(script: Script): string {
  const statements = (list: string[]) => list.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ');
  return `globalThis.cgmigrateTrace?.push('import ${script.id}');
${script.onImport ?? ''}
export default {
  revision: '${script.id}',
  downRevision: ${script.parent === null ? 'null' : `'${script.parent}'`},
  message: 'create ${script.id}',
  ${script.transactional === false ? 'transactional: false,' : ''}
  async up(op) { globalThis.cgmigrateTrace?.push('run ${script.id}'); ${statements(script.up)} },
  ${script.down ? `async down(op) { ${statements(script.down)} },` : ''}
};
`;
}

async function project(
  scripts: Script[],
  options: { failOn?: RegExp; perMigration?: boolean; transactionalDdl?: boolean; lockLostAtVerify?: number } = {},
) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-runner-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  for (const [index, script] of scripts.entries()) {
    writeFileSync(path.join(cwd, 'migrations', 'versions', `${index}_${script.id}.mjs`), migrationSource(script));
  }
  const memory = createMemoryAdapter({ failOn: options.failOn });
  // A dialect whose DDL commits on its own (MariaDB) declares it; the memory engine stays the same.
  const adapter = { ...memory, capabilities: { transactionalDdl: options.transactionalDdl ?? true } };
  if (options.lockLostAtVerify !== undefined) adapter.connect = loseLockAtVerify(memory, options.lockLostAtVerify);
  const config = await loadConfig({
    cwd,
    env: {},
    url: 'memory://db',
    overrides: { adapter, transactionPerMigration: options.perMigration ?? false },
  });
  const events: MigrationEvent[] = [];
  const env: MigrationEnvironment = createEnvironment(config, { onEvent: (event) => events.push(event) });
  return { env, db: memory.database('memory://db'), events };
}

/** Connects through `memory`, with a lock whose `verify()` throws LOCK_LOST from its `n`th call on. */
function loseLockAtVerify(memory: ReturnType<typeof createMemoryAdapter>, n: number): typeof memory.connect {
  return async (options) => {
    const connection = await memory.connect(options);
    const acquire = connection.acquireLock.bind(connection);
    connection.acquireLock = async (wait) => {
      const lock = await acquire(wait);
      let calls = 0;
      return {
        release: () => lock.release(),
        verify: async () => {
          if (++calls >= n) throw new LockLostError("the lock's session has ended");
        },
      };
    };
    return connection;
  };
}

const linear: Script[] = [
  { id: 'a1', parent: null, up: ['CREATE TABLE a'], down: ['DROP TABLE a'] },
  { id: 'b2', parent: 'a1', up: ['CREATE TABLE b', 'INSERT INTO b VALUES (1)'], down: ['DROP TABLE b'] },
  { id: 'c3', parent: 'b2', up: ['CREATE TABLE c'], down: ['DROP TABLE c'] },
];

describe('runner', () => {
  it('upgrades to head in order, recording one version row and logging as Alembic', async () => {
    const { env, db, events } = await project(linear);
    const result = await upgrade(env, { target: 'head' });
    expect(db.statements).toEqual(['CREATE TABLE a', 'CREATE TABLE b', 'INSERT INTO b VALUES (1)', 'CREATE TABLE c']);
    expect(db.versions).toEqual(['c3']);
    expect(result).toMatchObject({ from: [], to: ['c3'] });
    expect(result.steps.map((step) => step.revision)).toEqual(['a1', 'b2', 'c3']);
    const lines = events.filter((e) => e.type === 'step-start').map((e) => describeStep(e.step));
    expect(lines).toEqual([
      'Running upgrade  -> a1, create a1',
      'Running upgrade a1 -> b2, create b2',
      'Running upgrade b2 -> c3, create c3',
    ]);
  });

  it('downgrades step by step and back to base', async () => {
    const { env, db } = await project(linear);
    await upgrade(env, { target: 'head' });
    await downgrade(env, { target: '-1' });
    expect(db.versions).toEqual(['b2']);
    const result = await downgrade(env, { target: 'base' });
    expect(db.versions).toEqual([]);
    expect(result.steps.map((step) => `${step.direction} ${step.revision}`)).toEqual(['downgrade b2', 'downgrade a1']);
    expect(db.statements.slice(-3)).toEqual(['DROP TABLE c', 'DROP TABLE b', 'DROP TABLE a']);
  });

  it('rolls the whole run back when a migration fails in single-transaction mode', async () => {
    const { env, db } = await project(linear, { failOn: /INSERT INTO b/ });
    const failure = await upgrade(env, { target: 'head' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: 'MIGRATION_FAILED',
      revision: 'b2',
      direction: 'upgrade',
      statement: 'INSERT INTO b VALUES (1)',
      completed: [],
    });
    expect((failure as Error).message).toMatch(/^Upgrade of revision b2 \(.*1_b2\.mjs\) failed at statement: INSERT INTO b VALUES \(1\): statement rejected/);
    expect(db.statements).toEqual([]);
    // The version table was created in the run's transaction and rolled back with it, as Alembic does.
    expect(db.versions).toBeUndefined();
  });

  it('keeps the migrations that committed before a failure in per-migration mode', async () => {
    const { env, db } = await project(linear, { failOn: /INSERT INTO b/, perMigration: true });
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({ code: 'MIGRATION_FAILED', completed: ['a1'] });
    expect(db.statements).toEqual(['CREATE TABLE a']);
    expect(db.versions).toEqual(['a1']);
  });

  it('records each migration right after it on a dialect without transactional DDL, even in single-transaction mode', async () => {
    const { env, db } = await project(linear, { failOn: /CREATE TABLE c/, transactionalDdl: false });
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({ code: 'MIGRATION_FAILED', revision: 'c3', completed: ['a1', 'b2'] });
    expect(db.versions).toEqual(['b2']);
  });

  it('refuses a downgrade through a migration without down() before changing anything', async () => {
    const scripts: Script[] = [linear[0]!, { id: 'b2', parent: 'a1', up: ['CREATE TABLE b'] }, linear[2]!];
    const { env, db } = await project(scripts);
    await upgrade(env, { target: 'head' });
    const before = [...db.statements];
    await expect(downgrade(env, { target: 'base' })).rejects.toMatchObject({ code: 'IRREVERSIBLE_MIGRATION', revision: 'b2' });
    expect(db.statements).toEqual(before);
    expect(db.versions).toEqual(['c3']);
  });

  it('runs a transactional: false migration on its own and records it right after', async () => {
    const scripts: Script[] = [
      linear[0]!,
      { id: 'b2', parent: 'a1', up: ['CREATE INDEX CONCURRENTLY ix ON a (x)'], down: ['DROP INDEX ix'], transactional: false },
    ];
    const { env, db, events } = await project(scripts);
    const result = await upgrade(env, { target: 'head' });
    expect(db.versions).toEqual(['b2']);
    expect(result.steps.map((step) => step.transactional)).toEqual([true, false]);
    const started = events.filter((e) => e.type === 'step-start').map((e) => describeStep(e.step));
    expect(started[1]).toBe('Running upgrade a1 -> b2, create b2 (outside a transaction)');
  });

  it('imports each migration while the one before it runs when the run is one transaction, and all first otherwise', async () => {
    const ahead = await project(linear);
    trace.length = 0;
    await upgrade(ahead.env, { target: 'head' });
    expect(trace).toEqual(['import a1', 'run a1', 'import b2', 'run b2', 'import c3', 'run c3']);

    const perMigration = await project(linear, { perMigration: true });
    trace.length = 0;
    await upgrade(perMigration.env, { target: 'head' });
    expect(trace).toEqual(['import a1', 'import b2', 'import c3', 'run a1', 'run b2', 'run c3']);
  });

  it('rolls everything back, version table included, when a migration imported ahead fails to load', async () => {
    const scripts: Script[] = [...linear, { id: 'd4', parent: 'c3', up: ['CREATE TABLE d'], onImport: "throw new Error('d4 cannot load');" }];
    const { env, db, events } = await project(scripts);
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({ code: 'MALFORMED_MIGRATION', path: expect.stringMatching(/3_d4\.mjs$/) });
    expect(db.statements).toEqual([]);
    expect(db.versions).toBeUndefined();
    // The steps already shown as running are said to be undone.
    expect(events.filter((e) => e.type === 'warning')).toEqual([
      {
        type: 'warning',
        code: 'RUN_ROLLED_BACK',
        message: "Nothing was applied: a later migration cannot run, so the run's transaction is rolled back with the 3 migrations it had run (a1 to c3)",
      },
    ]);
  });

  it('checks every later migration before a transactional: false one commits what ran before it', async () => {
    const scripts: Script[] = [
      linear[0]!,
      { id: 'b2', parent: 'a1', up: ['CREATE INDEX CONCURRENTLY ix ON a (x)'], transactional: false },
      { id: 'c3', parent: 'b2', up: ['CREATE TABLE c'], onImport: "throw new Error('c3 cannot load');" },
    ];
    const { env, db, events } = await project(scripts);
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({ code: 'MALFORMED_MIGRATION', path: expect.stringMatching(/2_c3\.mjs$/) });
    expect(db.statements).toEqual([]);
    expect(db.versions).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning')).toMatchObject([{ code: 'RUN_ROLLED_BACK', message: expect.stringContaining('1 migration it had run (a1)') }]);
  });

  it('names a malformed migration file and changes nothing', async () => {
    const { env, db } = await project(linear);
    writeFileSync(
      path.join(env.config.scriptLocation, 'versions', '9_broken.mjs'),
      "export default { revision: 'd4', downRevision: 'c3', up() { this is not javascript } };",
    );
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({
      code: 'MALFORMED_MIGRATION',
      path: path.join(env.config.scriptLocation, 'versions', '9_broken.mjs'),
    });
    expect(db.statements).toEqual([]);
  });
});

/**
 * Upgrades to head with `check` started before the first step, as `upgrade --lint warn`
 * starts its lint: the run is given it to wait for before committing.
 */
async function upgradeWithCheck(env: MigrationEnvironment, check: (() => Promise<void>) | (() => RunCheck), signal?: AbortSignal): Promise<unknown> {
  const scripts = await loadScripts(env);
  const adapter = await resolveAdapter(env);
  const started = (): RunCheck => {
    const made = check();
    return made instanceof Promise ? { name: 'the check', result: made } : made;
  };
  return withConnection(env, adapter, 'migrate', (connection) =>
    runLocked(env, adapter, connection, scripts, (map, heads) => planUpgrade(map, heads, 'head'), undefined, { signal }, async () => started()),
  );
}

/** A check that reads the revisions one by one, `pause` ms each, saying so in the trace; it fails at `failAt`. */
function readingCheck(revisions: readonly string[], options: { pause?: number; failAt?: string } = {}): () => RunCheck {
  return () => {
    const progress = new CheckProgress();
    const stopped = { value: false };
    const result = (async () => {
      for (const revision of revisions) {
        await new Promise((resolve) => setTimeout(resolve, options.pause ?? 5));
        if (stopped.value) throw new Error('stopped');
        if (revision === options.failAt) throw new Error(`the linter crashed at ${revision}`);
        trace.push(`read ${revision}`);
        progress.pass(revision);
      }
    })();
    return {
      name: 'the check',
      result,
      reached: progress.reached,
      stop: () => {
        trace.push('stop');
        stopped.value = true;
      },
    };
  };
}

/** Resolves once `entry` is in the trace. */
async function traced(entry: string): Promise<void> {
  while (!trace.includes(entry)) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('a check beside the run (upgrade --lint warn)', () => {
  it('goes on while the steps of the one transaction run, which commits only once it has passed', async () => {
    const { env, db } = await project(linear);
    trace.length = 0;
    let versionsWhenChecked: unknown = 'not checked';
    // It can end only after the last step ran: a runner that waited for it first would never finish.
    await upgradeWithCheck(env, async () => {
      await traced('run c3');
      versionsWhenChecked = db.versions === undefined ? undefined : [...db.versions];
      trace.push('checked');
    });
    expect(trace).toEqual(['import a1', 'run a1', 'import b2', 'run b2', 'import c3', 'run c3', 'checked']);
    // The version table exists; no version is written yet.
    expect(versionsWhenChecked).toEqual([]);
    expect(db.versions).toEqual(['c3']);
  });

  it('fails the run with its own error when it fails, with nothing committed and the steps that ran said to be undone', async () => {
    const { env, db, events } = await project(linear);
    trace.length = 0;
    const crash = new Error('the linter crashed');
    const failure = await upgradeWithCheck(env, async () => {
      await traced('run c3');
      throw crash;
    }).catch((error: unknown) => error);
    expect(failure).toBe(crash);
    expect(db.statements).toEqual([]);
    expect(db.versions).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning')).toEqual([
      {
        type: 'warning',
        code: 'RUN_ROLLED_BACK',
        message: "Nothing was applied: the check failed, so the run's transaction is rolled back with the 3 migrations it had run (a1 to c3)",
      },
    ]);
  });

  it('is waited for when a step fails first, so that what it reports comes before the failure', async () => {
    const { env, db } = await project(linear, { failOn: /INSERT INTO b/ });
    trace.length = 0;
    const failure = await upgradeWithCheck(env, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      trace.push('checked');
    }).catch((error: unknown) => {
      trace.push('failed');
      return error;
    });
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2', rolledBack: true });
    expect(trace.slice(-2)).toEqual(['checked', 'failed']);
    expect(db.versions).toBeUndefined();
  });

  it('leaves the signal that stops both it and a step to the step: the failure names the migration running', async () => {
    const { env, db } = await project(linear);
    trace.length = 0;
    const controller = new AbortController();
    const reason = new Error('an exception was thrown from a timer');
    const failure = await upgradeWithCheck(
      env,
      () =>
        new Promise<void>((_resolve, reject) => {
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error));
          void traced('run b2').then(() => controller.abort(reason));
        }),
      controller.signal,
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', rolledBack: true, cause: reason });
    expect(db.versions).toBeUndefined();
  });

  it('leads the run: each step waits until the check has read its revision', async () => {
    const { env, db } = await project(linear);
    trace.length = 0;
    await upgradeWithCheck(env, readingCheck(['a1', 'b2', 'c3']));
    expect(trace.filter((entry) => !entry.startsWith('import'))).toEqual(['read a1', 'run a1', 'read b2', 'run b2', 'read c3', 'run c3']);
    expect(db.versions).toEqual(['c3']);
  });

  it('stops the run before its next step once the check has failed, rolling back the steps it ran', async () => {
    const { env, db, events } = await project(linear);
    trace.length = 0;
    const failure = await upgradeWithCheck(env, readingCheck(['a1', 'b2', 'c3'], { failAt: 'b2' })).catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: 'the linter crashed at b2' });
    expect(trace).toContain('run a1');
    expect(trace).not.toContain('run b2');
    expect(db.versions).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      "Nothing was applied: the check failed, so the run's transaction is rolled back with the 1 migration it had run (a1)",
    ]);
  });

  it('is stopped when a step fails, and has ended before the failure is thrown', async () => {
    const { env } = await project(linear, { failOn: /INSERT INTO b/ });
    trace.length = 0;
    const failure = await upgradeWithCheck(env, readingCheck(['a1', 'b2', 'c3'])).catch((error: unknown) => {
      trace.push('failed');
      return error;
    });
    expect(failure).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'b2' });
    const shown = trace.filter((entry) => !entry.startsWith('import'));
    expect(shown.slice(-2)).toEqual(['stop', 'failed']);
    expect(shown).not.toContain('read c3');
  });

  it('is waited for before the first statement when the run does not import ahead (a transaction per migration)', async () => {
    const { env, db } = await project(linear, { perMigration: true });
    trace.length = 0;
    await upgradeWithCheck(env, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      trace.push('checked');
    });
    expect(trace.filter((entry) => !entry.startsWith('import'))).toEqual(['checked', 'run a1', 'run b2', 'run c3']);
    expect(db.versions).toEqual(['c3']);
  });

  it('fails a run that does not import ahead before anything ran, and blames no step', async () => {
    const { env, db, events } = await project(linear, { perMigration: true });
    trace.length = 0;
    const crash = new Error('the linter crashed');
    await expect(upgradeWithCheck(env, () => Promise.reject(crash))).rejects.toBe(crash);
    expect(trace).not.toContain('run a1');
    expect(db.versions).toBeUndefined();
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });
});

describe('a lost lock', () => {
  const withNonTransactional: Script[] = [
    { id: 'a1', parent: null, up: ['CREATE TABLE a'] },
    { id: 'b2', parent: 'a1', up: ['CREATE TABLE b'], transactional: false },
  ];

  it('names a transactional: false migration that ran as one whose statements may have committed', async () => {
    // verify #1: before a1's transaction commits; #2: before b2 runs; #3: before b2's version change commits.
    const { env } = await project(withNonTransactional, { lockLostAtVerify: 3 });
    const error = (await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught)) as LockLostError;
    expect(error.code).toBe('LOCK_LOST');
    expect(error.completed).toEqual(['a1']);
    expect(error.mayHaveCommitted).toEqual(['b2']);
    expect(error.notCommitted).toEqual([]);
    expect(error.message).toContain('b2 ran outside a transaction, so its statements may have committed');
    expect(error.message).not.toContain('Nothing was committed');
  });

  it('names a transactional: false migration found before it started as not committed', async () => {
    const { env, db } = await project(withNonTransactional, { lockLostAtVerify: 2 });
    const error = (await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught)) as LockLostError;
    expect(error.completed).toEqual(['a1']);
    expect(error.notCommitted).toEqual(['b2']);
    expect(error.mayHaveCommitted).toEqual([]);
    expect([...db.tables.keys()]).not.toContain('b');
  });

  it('without transactional DDL, names the step whose DDL committed on its own', async () => {
    // verify #1: the version table's transaction; #2: a1's; #3: b2's, whose DDL has committed already.
    const { env } = await project(linear, { transactionalDdl: false, lockLostAtVerify: 3 });
    const error = (await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught)) as LockLostError;
    expect(error.completed).toEqual(['a1']);
    expect(error.mayHaveCommitted).toEqual(['b2']);
    expect(error.message).not.toContain('Nothing was committed');
  });

  it('says nothing was committed when the first transaction loses it', async () => {
    const { env, db } = await project(linear, { lockLostAtVerify: 1 });
    const error = (await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught)) as LockLostError;
    expect(error.message).toBe(
      "The migration lock was lost: the lock's session has ended. Nothing was committed. Not committed: a1, b2, c3.",
    );
    expect(db.versions ?? []).toEqual([]);
  });
});

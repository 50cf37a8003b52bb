// @module-tag postgres
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { blocksRunBy, docProject, shellCommands, testPath } from '../docs/doc-shell.js';
import { cgmigrate, startCgmigrate, tempProject, testMigrationSource, type RunningCgmigrate, type RunResult } from './cli.js';

/**
 * Issue 22's queue mode: 300 PostgreSQL schemas, 20 migrations each (three of them slow),
 * queued with `fleet enqueue` and run by 3 `fleet work` processes, one of them killed
 * (SIGKILL) while it is in the middle of targets (a commit per migration, so that
 * "in the middle" shows: some of a target's migrations committed, not all). The others release its jobs, every
 * target ends at head, and each target's `migration_log` (written inside each
 * migration's transaction) proves that no migration ran twice. Then the recipe of
 * docs/fleets.md, as the document types it.
 */

const DOC = 'docs/fleets.md';
const [recipe] = blocksRunBy(DOC, testPath(import.meta.url));

const TARGETS = 300;
const MIGRATIONS = 20;
const WORKERS = 3;
/** Migrations that sleep, so that a worker is inside a migration's transaction most of the time. */
const SLOW = new Set([5, 10, 15]);
/** Every URL carries it; trust authentication ignores it, and no output or table may show it. */
const PASSWORD = 'queue-s3cret';

const id = (n: number): string => `q${String(n).padStart(3, '0')}`;
const schemaOf = (n: number): string => `tq_${String(n).padStart(3, '0')}`;
const SCHEMAS = Array.from({ length: TARGETS }, (_, n) => schemaOf(n + 1));
const HEAD = id(MIGRATIONS);

const withPassword = (url: string): string => {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
};

let dir: string;
let cleanupDir: () => void;
let targetsDb: TestDatabase;
let controlDb: TestDatabase;
const workers: RunningCgmigrate[] = [];

/** The fleet's name of a schema target: `host:port/database#schema`. */
const nameOf = (schema: string): string => `${new URL(targetsDb.url).host}/${targetsDb.name}#${schema}`;

beforeAll(async () => {
  ({ dir, cleanup: cleanupDir } = tempProject());
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (let n = 1; n <= MIGRATIONS; n++) {
    const log = n === 1 ? "\n    await op.execute('CREATE TABLE migration_log (revision TEXT NOT NULL, backend_pid INTEGER NOT NULL)');" : '';
    const slow = SLOW.has(n) ? "\n    await op.execute('SELECT pg_sleep(0.15)');" : '';
    writeFileSync(
      path.join(versions, `${id(n)}.ts`),
      `export default {
  revision: '${id(n)}',
  downRevision: ${n === 1 ? 'null' : `'${id(n - 1)}'`},
  message: 'step ${n}',
  async up(op) {${log}
    await op.execute('CREATE TABLE t_${id(n)} (id INTEGER PRIMARY KEY)');${slow}
    await op.execute("INSERT INTO migration_log (revision, backend_pid) VALUES ('${id(n)}', pg_backend_pid())");
  },
};
`,
    );
  }
  // A commit per migration: a target killed mid-run keeps what committed, and its next attempt goes on from there.
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ transactionPerMigration: true }));
  targetsDb = await createTestDatabase('cg_queue_targets');
  controlDb = await createTestDatabase('cg_queue_control');
  await queryTestDatabase(targetsDb.url, SCHEMAS.map((schema) => `CREATE SCHEMA ${schema};`).join('\n'));
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((worker) => worker.done.catch(() => undefined)));
  await targetsDb?.drop();
  await controlDb?.drop();
  cleanupDir?.();
});

/** One statement over every target schema, as one query (`UNION ALL`). */
function overSchemas<T>(select: (schema: string) => string): Promise<T[]> {
  return queryTestDatabase<T>(targetsDb.url, SCHEMAS.map(select).join('\nUNION ALL\n'));
}

async function untilTrue(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the fleet queue with three workers, one killed mid-run', () => {
  it('brings every target to head with each migration run exactly once', async () => {
    const targets = `${withPassword(targetsDb.url)}#tq_*`;
    const controlUrl = withPassword(controlDb.url);

    const enqueue = await cgmigrate(['fleet', 'enqueue', 'upgrade', 'head', '--targets', targets, '--control-url', controlUrl, '--run-id', 'acceptance', '--json'], { cwd: dir });
    expect(enqueue.code, enqueue.stderr).toBe(0);
    expect(enqueue.json()).toMatchObject({ runId: 'acceptance', command: { command: 'upgrade', target: 'head' }, enqueued: TARGETS, replaced: 0, queue: { pending: TARGETS, retrying: 0, running: 0, failed: 0 } });
    // The queue holds names and the command, never a URL.
    const payloads = await queryTestDatabase<{ payload: { name: string } }>(controlDb.url, 'SELECT payload FROM graphile_worker._private_jobs');
    expect(payloads.map((row) => row.payload.name).sort()).toEqual(SCHEMAS.map(nameOf).sort());
    expect(JSON.stringify(payloads)).not.toContain('postgresql://');

    // The workers take the control database from the environment, as a deployment would.
    for (let n = 0; n < WORKERS; n++) {
      workers.push(startCgmigrate(['fleet', 'work', '--targets', targets, '--concurrency', '4', '--until-empty'], { cwd: dir, env: { CGMIGRATE_CONTROL_URL: controlUrl } }));
    }
    const [victim, ...survivors] = workers as [RunningCgmigrate, ...RunningCgmigrate[]];

    // The victim's id in the queue, then a moment when it holds a target that is part-way: some of its migrations committed, not all.
    let victimStderr = '';
    victim.child.stderr!.on('data', (chunk: string) => (victimStderr += chunk));
    await victim.until(') takes jobs from ');
    const victimId = /\((pool-[0-9a-f]+)\) takes jobs from /.exec(victimStderr)?.[1];
    expect(victimId, victimStderr).toBeDefined();
    const resultCount = async (): Promise<number> =>
      (await queryTestDatabase<{ n: number }>(controlDb.url, "SELECT count(*)::int AS n FROM cgmigrate_fleet.results WHERE status = 'succeeded'"))[0]!.n;
    // Mid-run: a fifth of the fleet done.
    await untilTrue(async () => (await resultCount()) >= TARGETS / 5, 'a fifth of the targets to finish', 120_000);
    let held: string[] = [];
    let partial: string[] = [];
    await untilTrue(
      async () => {
        const rows = await queryTestDatabase<{ key: string }>(controlDb.url, `SELECT key FROM graphile_worker.jobs WHERE locked_by = '${victimId}'`);
        held = rows.map((row) => row.key.slice('cgmigrate_fleet:'.length).replace(/^.*#/, ''));
        if (held.length === 0) return false;
        const versions = await Promise.all(
          held.map(async (schema) => {
            const rows = await queryTestDatabase<{ version_num: string }>(targetsDb.url, `SELECT version_num FROM ${schema}.alembic_version`).catch(() => []);
            return { schema, version: rows[0]?.version_num ?? null };
          }),
        );
        partial = versions.filter((row) => row.version !== null && row.version !== HEAD).map((row) => row.schema);
        return partial.length > 0;
      },
      'the victim to be in the middle of a target',
      60_000,
    );
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    expect(killed.code).toBeNull();
    expect(await resultCount()).toBeLessThan(TARGETS);

    const finished: RunResult[] = await Promise.all(survivors.map((worker) => worker.done));
    for (const run of finished) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('The queue has no job left: stopping.');
    }
    // A survivor found the victim dead and gave its jobs back.
    expect(finished.map((run) => run.stderr).join('\n')).toMatch(new RegExp(`Released the jobs of 1 worker that stopped holding them \\(${victimId}\\)`));

    // Every target at head; every migration logged exactly once in every target.
    const versions = await overSchemas<{ schema: string; version_num: string }>((schema) => `SELECT '${schema}' AS schema, version_num FROM ${schema}.alembic_version`);
    expect(versions).toHaveLength(TARGETS);
    expect(versions.filter((row) => row.version_num !== HEAD)).toEqual([]);
    const logged = await overSchemas<{ schema: string; revisions: number; rows: number; most: number }>(
      (schema) => `SELECT '${schema}' AS schema, count(DISTINCT revision)::int AS revisions, count(*)::int AS rows, (SELECT max(c)::int FROM (SELECT count(*) AS c FROM ${schema}.migration_log GROUP BY revision) per) AS most FROM ${schema}.migration_log`,
    );
    expect(logged.filter((row) => row.revisions !== MIGRATIONS || row.rows !== MIGRATIONS || row.most !== 1)).toEqual([]);
    expect(logged).toHaveLength(TARGETS);

    // The results: all succeeded; the victim's part-way targets were finished by another worker on a later attempt.
    const results = await queryTestDatabase<{ name: string; status: string; revisions: string[]; attempt: number; worker: string; run_id: string }>(
      controlDb.url,
      'SELECT name, status, revisions, attempt, worker, run_id FROM cgmigrate_fleet.results',
    );
    expect(results).toHaveLength(TARGETS);
    expect(results.filter((row) => row.status !== 'succeeded' || row.revisions.join() !== HEAD || row.run_id !== 'acceptance')).toEqual([]);
    const victimWorker = `:${victim.child.pid}`;
    const finishedElsewhere = partial.filter((schema) => {
      const row = results.find((result) => result.name === nameOf(schema))!;
      return row.attempt >= 2 && !row.worker.endsWith(victimWorker);
    });
    expect(finishedElsewhere.length, `part-way at the kill: ${partial.join(', ')}`).toBeGreaterThan(0);
    expect(await queryTestDatabase(controlDb.url, 'SELECT id FROM graphile_worker.jobs')).toEqual([]);

    // `fleet status` reads the matrix, and the results as each target's last run.
    const status = await cgmigrate(['fleet', 'status', '--targets', targets, '--control-url', controlUrl, '--json'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json()).toMatchObject({ total: TARGETS, heads: [HEAD], behind: [], unreadable: [], failedLastTime: [], revisions: [{ revisions: [HEAD], count: TARGETS, atHead: true }] });

    for (const run of [enqueue, killed, ...finished, status]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(JSON.stringify(await queryTestDatabase(controlDb.url, 'SELECT * FROM cgmigrate_fleet.results'))).not.toContain(PASSWORD);
  }, 300_000);
});

describe('docs/fleets.md: a queue on graphile-worker', () => {
  it('runs as typed: enqueue, a worker until the queue is empty, the status with the results', async () => {
    expect(recipe?.info).toBe('bash');
    const [enqueue, work, status] = shellCommands(recipe!);
    expect([enqueue, work, status].map((command) => command?.split(' ').slice(0, 3).join(' '))).toEqual(['cgmigrate fleet enqueue', 'cgmigrate fleet work', 'cgmigrate fleet status']);

    const project = docProject();
    try {
      const versions = path.join(project.dir, 'migrations', 'versions');
      mkdirSync(versions, { recursive: true });
      writeFileSync(path.join(versions, 'a1.ts'), testMigrationSource({ id: 'a1', parent: null, up: "    await op.execute('CREATE TABLE accounts (id INTEGER)');" }));
      writeFileSync(path.join(versions, 'b2.ts'), testMigrationSource({ id: 'b2', parent: 'a1', up: "    await op.execute('CREATE TABLE scans (id INTEGER)');" }));
      const schemas = ['doc_acme', 'doc_globex', 'doc_initech'];
      await queryTestDatabase(targetsDb.url, schemas.map((schema) => `CREATE SCHEMA ${schema};`).join('\n'));
      writeFileSync(path.join(project.dir, 'targets.txt'), `${withPassword(targetsDb.url)}#doc_*\n`);
      const recipeControl = await createTestDatabase('cg_queue_doc');
      try {
        const env = { CONTROL_URL: withPassword(recipeControl.url) };
        const runs = [];
        for (const command of [enqueue!, work!, status!]) {
          const run = await project.sh(command, { env });
          expect(run.code, `${command}\n${run.stderr}`).toBe(0);
          runs.push(run);
        }
        expect(runs[1]!.stderr).toContain('The queue has no job left: stopping.');
        expect(runs[2]!.stdout).toContain('3 targets; head: b2');
        for (const schema of schemas) expect(await queryTestDatabase(targetsDb.url, `SELECT version_num FROM ${schema}.alembic_version`)).toEqual([{ version_num: 'b2' }]);
        // The status's last runs come from the queue's results.
        const json = await project.sh(`${status!} --json`, { env });
        const document = JSON.parse(json.stdout) as { targets: { name: string; last?: { status: string; at?: string; durationMs?: number } }[] };
        expect(document.targets.map((target) => target.last?.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
        for (const target of document.targets) expect(target.last?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        for (const run of [...runs, json]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      } finally {
        await recipeControl.drop();
      }
    } finally {
      project.cleanup();
    }
  }, 120_000);
});

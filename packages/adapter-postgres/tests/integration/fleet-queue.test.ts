// @module-tag postgres
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createEnvironment, loadConfig, type FleetTarget, type MigrationEnvironment } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { ControlDatabase } from '../../src/fleet-queue/control-database.js';
import { enqueueFleet, readFleetQueue, readQueueResults, runFleetWorker, type FleetWorkerEvent } from '../../src/fleet-queue/index.js';
import { releaseDeadWorkers, workerLockKey } from '../../src/fleet-queue/worker-liveness.js';
import { postgresAdapter } from '../../src/index.js';
import { onCleanup, openClient, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_fleet_queue');

/** The test database's URL with a password the server (trust authentication) never asks for: it must appear nowhere. */
const PASSWORD = 'queue-s3cret';
const withPassword = (databaseUrl: string): string => databaseUrl.replace('postgresql://postgres@', `postgresql://postgres:${PASSWORD}@`);

/** A project of `.mjs` migrations a1 → a2, each logging itself in `migration_log` inside its transaction. */
function project(): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-queue-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  const write = (id: string, parent: string | null, statements: string[]): void => {
    const body = statements.map((statement) => `await op.execute(${JSON.stringify(statement)});`).join(' ');
    writeFileSync(
      path.join(cwd, 'migrations', 'versions', `${id}.mjs`),
      `export default { revision: '${id}', downRevision: ${parent ? `'${parent}'` : 'null'}, async up(op) { ${body} } };\n`,
    );
  };
  write('a1', null, ['CREATE TABLE migration_log (revision text NOT NULL)', "INSERT INTO migration_log VALUES ('a1')"]);
  write('a2', 'a1', ['CREATE TABLE widgets (id integer)', "INSERT INTO migration_log VALUES ('a2')"]);
  return cwd;
}

async function environment(cwd: string): Promise<MigrationEnvironment> {
  const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter() } });
  return createEnvironment(config);
}

async function schemaTargets(...schemas: string[]): Promise<FleetTarget[]> {
  await withClient(url(), async (client) => {
    for (const schema of schemas) await client.query(`CREATE SCHEMA ${schema}`);
  });
  return schemas.map((schema) => ({ name: schema, url: withPassword(url()), schema }));
}

async function query<T>(sql: string): Promise<T[]> {
  return (await withClient(url(), (client) => client.query<T>(sql))).rows;
}

describe('the fleet queue', () => {
  it('queues names only, runs every target once, and records each result', async () => {
    const cwd = project();
    const targets = await schemaTargets('tenant_a', 'tenant_b', 'tenant_c');
    const controlUrl = withPassword(url());

    const enqueued = await enqueueFleet({ controlUrl, command: { command: 'upgrade', target: 'head' }, targets, runId: 'run-1' });
    expect(enqueued).toMatchObject({ runId: 'run-1', enqueued: 3, replaced: 0, queue: { pending: 3, retrying: 0, running: 0, failed: 0 } });
    // Enqueueing again replaces the waiting jobs: still one per target.
    expect(await enqueueFleet({ controlUrl, command: { command: 'upgrade', target: 'head' }, targets, runId: 'run-1' })).toMatchObject({ enqueued: 3, replaced: 3, queue: { pending: 3 } });
    const payloads = await query<{ payload: unknown; key: string }>('SELECT payload, key FROM graphile_worker._private_jobs ORDER BY key');
    expect(payloads).toEqual(
      ['tenant_a', 'tenant_b', 'tenant_c'].map((name) => ({ key: `cgmigrate_fleet:${name}`, payload: { name, command: { command: 'upgrade', target: 'head' }, runId: 'run-1' } })),
    );

    const events: FleetWorkerEvent[] = [];
    const result = await runFleetWorker({ controlUrl, env: await environment(cwd), targets, concurrency: 2, untilEmpty: true, pollInterval: 200, onEvent: (event) => events.push(event) });
    expect(result).toMatchObject({ stopped: 'empty', succeeded: 3, failed: 0, retried: 0, released: [] });
    expect(events.filter((event) => event.type === 'target-end').map((event) => event.type === 'target-end' && event.outcome.name).sort()).toEqual(['tenant_a', 'tenant_b', 'tenant_c']);

    for (const schema of ['tenant_a', 'tenant_b', 'tenant_c']) {
      expect(await query(`SELECT version_num FROM ${schema}.alembic_version`)).toEqual([{ version_num: 'a2' }]);
      expect(await query(`SELECT revision FROM ${schema}.migration_log ORDER BY 1`)).toEqual([{ revision: 'a1' }, { revision: 'a2' }]);
    }
    const state = await readFleetQueue({ controlUrl });
    expect(state.queue).toEqual({ pending: 0, retrying: 0, running: 0, failed: 0 });
    expect(state.results.map(({ name, status, revisions, from, steps, attempt, retrying, runId }) => ({ name, status, revisions, from, steps, attempt, retrying, runId }))).toEqual(
      ['tenant_a', 'tenant_b', 'tenant_c'].map((name) => ({ name, status: 'succeeded', revisions: ['a2'], from: [], steps: 2, attempt: 1, retrying: false, runId: 'run-1' })),
    );
    expect(await readQueueResults({ controlUrl })).toEqual(state.results.map((row) => ({ name: row.name, status: 'succeeded', at: row.finishedAt, durationMs: row.durationMs })));

    const everything = JSON.stringify(await query('SELECT * FROM graphile_worker._private_jobs')) + JSON.stringify(await query('SELECT * FROM cgmigrate_fleet.results'));
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('postgresql://');
  });

  it('records a target it does not know at once, and retries an unreachable one until its attempts run out', async () => {
    const cwd = project();
    const [known] = await schemaTargets('tenant_a');
    const unknown: FleetTarget = { name: 'tenant_gone', url: url(), schema: 'tenant_gone' };
    const unreachable: FleetTarget = { name: 'offline', url: `postgresql://postgres:${PASSWORD}@127.0.0.1:1/nowhere` };
    const controlUrl = url();
    await enqueueFleet({ controlUrl, command: { command: 'upgrade' }, targets: [known!, unknown, unreachable], maxAttempts: 2 });

    const ends: { name: string; code: string | undefined; attempt: number; retrying: boolean }[] = [];
    const result = await runFleetWorker({
      controlUrl,
      env: await environment(cwd),
      targets: [known!, unreachable],
      untilEmpty: true,
      pollInterval: 200,
      onEvent: (event) => {
        if (event.type === 'target-end') ends.push({ name: event.outcome.name, code: event.outcome.error?.code, attempt: event.attempt, retrying: event.retrying });
      },
    });
    expect(result).toMatchObject({ stopped: 'empty', succeeded: 1, failed: 2, retried: 1 });
    expect(ends.sort((a, b) => a.name.localeCompare(b.name) || a.attempt - b.attempt)).toEqual([
      { name: 'offline', code: 'DATABASE_ERROR', attempt: 1, retrying: true },
      { name: 'offline', code: 'DATABASE_ERROR', attempt: 2, retrying: false },
      { name: 'tenant_a', code: undefined, attempt: 1, retrying: false },
      { name: 'tenant_gone', code: 'TARGET_UNKNOWN', attempt: 1, retrying: false },
    ]);
    // The unreachable target's job stays, failed for good; the unknown one's completed.
    const state = await readFleetQueue({ controlUrl });
    expect(state.queue).toEqual({ pending: 0, retrying: 0, running: 0, failed: 1 });
    expect(state.results.map((row) => [row.name, row.status, row.error?.code])).toEqual([
      ['offline', 'failed', 'DATABASE_ERROR'],
      ['tenant_a', 'succeeded', undefined],
      ['tenant_gone', 'failed', 'TARGET_UNKNOWN'],
    ]);
    const lastErrors = JSON.stringify(await query('SELECT last_error FROM graphile_worker._private_jobs')) + JSON.stringify(state.results);
    expect(lastErrors).toContain('DATABASE_ERROR');
    expect(lastErrors).not.toContain(PASSWORD);
  });

  it('leaves a job enqueued from other scripts to a worker of that release: nothing runs on its target, and it is retried', async () => {
    const cwd = project();
    const targets = await schemaTargets('tenant_a');
    const controlUrl = url();
    // Enqueued by a release whose head is a3; this worker's scripts end at a2.
    await enqueueFleet({ controlUrl, command: { command: 'upgrade', target: 'head' }, targets, heads: ['a3'], maxAttempts: 2 });
    expect((await query<{ payload: { heads: string[] } }>('SELECT payload FROM graphile_worker._private_jobs'))[0]!.payload.heads).toEqual(['a3']);

    const ends: { code: string | undefined; attempt: number; retrying: boolean }[] = [];
    const result = await runFleetWorker({
      controlUrl,
      env: await environment(cwd),
      targets,
      untilEmpty: true,
      pollInterval: 200,
      onEvent: (event) => {
        if (event.type === 'target-end') ends.push({ code: event.outcome.error?.code, attempt: event.attempt, retrying: event.retrying });
      },
    });
    expect(result).toMatchObject({ stopped: 'empty', succeeded: 0, failed: 1, retried: 1 });
    expect(ends).toEqual([
      { code: 'FLEET_SCRIPTS_MISMATCH', attempt: 1, retrying: true },
      { code: 'FLEET_SCRIPTS_MISMATCH', attempt: 2, retrying: false },
    ]);
    expect(await query("SELECT 1 FROM pg_tables WHERE schemaname = 'tenant_a'")).toEqual([]);
    const [row] = (await readFleetQueue({ controlUrl })).results;
    expect(row?.error?.message).toBe("The job was enqueued with scripts at a3, but this worker's scripts are at a2");
  });

  it('releases the jobs of a worker whose liveness lock is free, and only those', async () => {
    const targets = await schemaTargets('tenant_a', 'tenant_b', 'tenant_c');
    await enqueueFleet({ controlUrl: url(), command: { command: 'upgrade' }, targets });
    const lock = async (name: string, worker: string): Promise<void> => {
      await query(`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = '${worker}', attempts = 1 WHERE key = 'cgmigrate_fleet:${name}'`);
    };
    await lock('tenant_a', 'pool-dead');
    await lock('tenant_b', 'pool-alive');
    const alive = await openClient(url());
    await alive.query('SELECT pg_advisory_lock($1)', [workerLockKey('pool-alive')]);

    const db = new ControlDatabase(url());
    const released = await db.use('test', (session) => releaseDeadWorkers(session, undefined));
    expect(released).toEqual(['pool-dead']);
    expect(await query("SELECT key, locked_by, attempts FROM graphile_worker._private_jobs WHERE key LIKE 'cgmigrate_fleet:%' ORDER BY key")).toEqual([
      { key: 'cgmigrate_fleet:tenant_a', locked_by: null, attempts: 1 },
      { key: 'cgmigrate_fleet:tenant_b', locked_by: 'pool-alive', attempts: 1 },
      { key: 'cgmigrate_fleet:tenant_c', locked_by: null, attempts: 0 },
    ]);
    // The check leaves no lock behind: the live worker's lock is still its own, the dead one's free.
    expect(await db.use('test', (session) => releaseDeadWorkers(session, undefined))).toEqual([]);
    await alive.end();
    expect(await db.use('test', (session) => releaseDeadWorkers(session, undefined))).toEqual(['pool-alive']);
  });
});

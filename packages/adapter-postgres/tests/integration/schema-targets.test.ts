// @module-tag postgres
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { createEnvironment, current, InvalidUrlError, LockTimeoutError, loadConfig, TargetSchemaNotFoundError, upgrade } from '@cloudguard/migrate-core';
import type { AdapterConnection, ConnectOptions, Session } from '@cloudguard/migrate-core/adapter';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { describeTarget } from '../../src/postgres-connection-config.js';
import { parsePostgresUrl } from '../../src/postgres-url.js';
import { connect, connectOptions, onCleanup, openClient, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_schemas');

/** What core passes to `connect` for the fleet target `<url>#<schema>`: the tables and the lock in that schema. */
function targetOptions(schema: string, overrides: Partial<ConnectOptions> = {}, databaseUrl = url()): ConnectOptions {
  return connectOptions(databaseUrl, {
    schema,
    versionTable: { name: 'alembic_version', schema },
    auditTable: { name: 'cgmigrate_audit', schema },
    ...overrides,
  });
}

async function createSchemas(...schemas: string[]): Promise<void> {
  await withClient(url(), async (client) => {
    for (const schema of schemas) await client.query(`CREATE SCHEMA "${schema.replaceAll('"', '""')}"`);
  });
}

/** Every table, index, sequence and view outside PostgreSQL's own schemas, as `schema.name`, sorted. */
async function userRelations(): Promise<string[]> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema' ORDER BY (n.nspname || '.' || c.relname) COLLATE "C"`,
    ),
  );
  return rows.map((row) => row.name);
}

async function schemaNames(): Promise<string[]> {
  const { rows } = await withClient(url(), (client) => client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace ORDER BY 1'));
  return rows.map((row) => row.nspname);
}

/** `current_schema()` and the whole `search_path`, as the connection's sessions see them. */
async function sessionSchemaOf(session: Session): Promise<string> {
  const [row] = await session.query<{ schema: string; path: string }>('SELECT current_schema() AS schema, current_setting($1) AS path', [
    'search_path',
  ]);
  return `${row!.schema} (${row!.path})`;
}

/** A project whose migrations are `.mjs` files, run by core with this adapter. */
function project(migrations: { id: string; parent: string | null; up: string[] }[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-schemas-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  for (const [index, m] of migrations.entries()) {
    const body = m.up.map((statement) => `await op.execute(${JSON.stringify(statement)});`).join(' ');
    writeFileSync(
      path.join(cwd, 'migrations', 'versions', `${index}_${m.id}.mjs`),
      `export default { revision: '${m.id}', downRevision: ${m.parent ? `'${m.parent}'` : 'null'}, async up(op) { ${body} } };\n`,
    );
  }
  return cwd;
}

/** Core's environment for the fleet target `<url>#<schema>`, as the fleet runner resolves it. */
async function targetEnvironment(cwd: string, schema: string) {
  const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter() } });
  return createEnvironment({
    ...config,
    schema,
    versionTable: { ...config.versionTable, schema },
    auditTable: { ...config.auditTable, schema },
  });
}

describe('PostgreSQL schema targets', () => {
  it('declares that it honours ConnectOptions.schema', () => {
    expect(postgresAdapter().capabilities.schemas).toBe(true);
  });

  it("runs a target's migrations in its schema, with the version and audit tables there", async () => {
    await createSchemas('tenant_a', 'tenant_b');
    const cwd = project([
      { id: 'a1', parent: null, up: ['CREATE TABLE widgets (id integer PRIMARY KEY)'] },
      { id: 'a2', parent: 'a1', up: ['CREATE INDEX widgets_id ON widgets (id)', 'INSERT INTO widgets VALUES (1)'] },
    ]);

    const result = await upgrade(await targetEnvironment(cwd, 'tenant_a'));
    expect(result.to).toEqual(['a2']);
    expect(result.steps).toHaveLength(2);
    expect(await userRelations()).toEqual([
      'tenant_a.alembic_version',
      'tenant_a.alembic_version_pkc',
      'tenant_a.cgmigrate_audit',
      'tenant_a.cgmigrate_audit_id_seq',
      'tenant_a.cgmigrate_audit_pk',
      'tenant_a.cgmigrate_audit_revision_ix',
      'tenant_a.widgets',
      'tenant_a.widgets_id',
      'tenant_a.widgets_pkey',
    ]);
    const { rows } = await withClient(url(), (client) => client.query<{ version_num: string }>('SELECT version_num FROM tenant_a.alembic_version'));
    expect(rows).toEqual([{ version_num: 'a2' }]);

    // the other tenant starts from base, on the same database, and reads (inspect) only its own version table
    expect((await current(await targetEnvironment(cwd, 'tenant_b'))).revisions).toEqual([]);
    expect((await current(await targetEnvironment(cwd, 'tenant_a'))).revisions.map((revision) => revision.id)).toEqual(['a2']);
    await upgrade(await targetEnvironment(cwd, 'tenant_b'), { target: 'a1' });
    expect((await userRelations()).filter((name) => name.startsWith('tenant_b.'))).toEqual([
      'tenant_b.alembic_version',
      'tenant_b.alembic_version_pkc',
      'tenant_b.cgmigrate_audit',
      'tenant_b.cgmigrate_audit_id_seq',
      'tenant_b.cgmigrate_audit_pk',
      'tenant_b.cgmigrate_audit_revision_ix',
      'tenant_b.widgets',
      'tenant_b.widgets_pkey',
    ]);
  });

  describe('a schema that does not exist', () => {
    it.each(['migrate', 'inspect'] as const)('fails a %s connection with TARGET_SCHEMA_NOT_FOUND', async (purpose) => {
      const error = await rejection(postgresAdapter().connect(targetOptions('tenant_x', { purpose })));
      expect(error).toBeInstanceOf(TargetSchemaNotFoundError);
      expect(error).toMatchObject({
        code: 'TARGET_SCHEMA_NOT_FOUND',
        schema: 'tenant_x',
        database: describeTarget(parsePostgresUrl(url())),
        message: `Schema "tenant_x" does not exist in ${describeTarget(parsePostgresUrl(url()))}`,
      });
    });

    it('is never created, and nothing is created elsewhere instead, by an upgrade', async () => {
      const cwd = project([{ id: 'a1', parent: null, up: ['CREATE TABLE widgets (id integer)'] }]);
      const before = await schemaNames();

      const error = await rejection(upgrade(await targetEnvironment(cwd, 'tenant_x')));
      expect(error).toMatchObject({ code: 'TARGET_SCHEMA_NOT_FOUND', schema: 'tenant_x' });
      expect(await schemaNames()).toEqual(before);
      expect(await userRelations()).toEqual([]);
    });

    it('leaves no session open behind the failure', async () => {
      const appUrl = `${url()}?application_name=cgm-missing-schema`;
      await rejection(postgresAdapter().connect(targetOptions('tenant_x', {}, appUrl)));
      await rejection(postgresAdapter().connect(targetOptions('tenant_x', { purpose: 'inspect' }, appUrl)));
      const observer = await openClient(url());
      let sessions = -1;
      for (let attempt = 0; attempt < 50 && sessions !== 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        const { rows } = await observer.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'cgm-missing-schema'");
        sessions = rows[0]!.n;
      }
      expect(sessions).toBe(0);
    });

    it('is looked up by its exact name, not folded to lower case', async () => {
      await createSchemas('Tenant A');
      await expect(postgresAdapter().connect(targetOptions('tenant a'))).rejects.toMatchObject({ code: 'TARGET_SCHEMA_NOT_FOUND' });
      const connection = await connect(targetOptions('Tenant A'));
      expect(await connection.autocommit(sessionSchemaOf)).toBe('Tenant A ("Tenant A")');
    });
  });

  describe("a URL's own schema", () => {
    it.each([
      ['?schema=tenant_a', '"tenant_a"'],
      ['?options=-csearch_path%3Dtenant_a', 'tenant_a'],
      ['?options=-csearch_path%3Dtenant_b,public', 'tenant_b,public'],
    ])('that differs from the target schema (%s) fails with INVALID_URL naming both', async (query, shown) => {
      const secretUrl = url().replace('postgresql://postgres@', 'postgresql://postgres:s3cret@') + query;
      for (const purpose of ['migrate', 'inspect'] as const) {
        const error = await rejection(postgresAdapter().connect(targetOptions('tenant_b', { purpose }, secretUrl)));
        expect(error).toBeInstanceOf(InvalidUrlError);
        expect(error).toMatchObject({ code: 'INVALID_URL' });
        const { message } = error as InvalidUrlError;
        expect(message).toContain(`the URL sets search_path to ${shown} (with schema= or options=), but the target's schema is "tenant_b"`);
        expect(message).toContain('postgresql://postgres:***@');
        expect(message).not.toContain('s3cret');
      }
    });

    it.each(['?schema=tenant_a', '?options=-csearch_path%3DTENANT_A', '?options=-csearch_path%3D%22tenant_a%22'])(
      'that names the target schema too (%s) is fine',
      async (query) => {
        await createSchemas('tenant_a');
        for (const purpose of ['migrate', 'inspect'] as const) {
          const connection = await connect(targetOptions('tenant_a', { purpose }, url() + query));
          expect(await connection.autocommit(sessionSchemaOf)).toMatch(/^tenant_a \(/);
        }
      },
    );

    it("wins over the adapter's schema option, where the target schema wins over both", async () => {
      await createSchemas('tenant_a', 'tenant_b', 'shared');
      const adapterOption = await connect(connectOptions(url()), { schema: 'shared' });
      expect(await adapterOption.autocommit(sessionSchemaOf)).toBe('shared ("shared")');
      const target = await connect(targetOptions('tenant_a'), { schema: 'shared' });
      expect(await target.autocommit(sessionSchemaOf)).toBe('tenant_a ("tenant_a")');
      const inspect = await connect(targetOptions('tenant_b', { purpose: 'inspect' }), { schema: 'shared' });
      expect(await inspect.autocommit(sessionSchemaOf)).toBe('tenant_b ("tenant_b")');
    });
  });

  describe('the migration lock', () => {
    it('is taken at once by two targets in two schemas of one database', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const a = await connect(targetOptions('tenant_a'));
      const b = await connect(targetOptions('tenant_b'));
      const heldA = await a.acquireLock({ mode: 'fail' });
      const started = performance.now();
      const heldB = await b.acquireLock({ mode: 'wait', timeoutMs: 5000 });
      expect(performance.now() - started).toBeLessThan(500);
      await Promise.all([heldA.release(), heldB.release()]);
    });

    it('is per schema when the version table is unqualified too (current_schema() is the target)', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const a = await connect(targetOptions('tenant_a', { versionTable: { name: 'alembic_version' } }));
      const b = await connect(targetOptions('tenant_b', { versionTable: { name: 'alembic_version' } }));
      const heldA = await a.acquireLock({ mode: 'fail' });
      const heldB = await b.acquireLock({ mode: 'fail' });
      await Promise.all([heldA.release(), heldB.release()]);
    });

    it('serialises two runners on the same schema', async () => {
      await createSchemas('tenant_a');
      const first = await connect(targetOptions('tenant_a'));
      const second = await connect(targetOptions('tenant_a', { purpose: 'inspect' }));
      const held = await first.acquireLock({ mode: 'fail' });
      expect(await rejection(second.acquireLock({ mode: 'fail' }))).toBeInstanceOf(LockTimeoutError);

      const waiting = second.acquireLock({ mode: 'wait', timeoutMs: 10_000 });
      const releasedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await held.release();
      const taken = await waiting;
      expect(performance.now() - releasedAt).toBeGreaterThanOrEqual(300);
      await taken.release();
    });
  });

  describe('listSchemas', () => {
    it.each(['migrate', 'inspect'] as const)('lists the schemas holding user objects on a %s connection, sorted', async (purpose) => {
      await createSchemas('tenant_b', 'tenant_a', 'Mixed Case');
      const connection = await connect(connectOptions(url(), { purpose }));
      const schemas = await connection.listSchemas!();
      expect(schemas).toEqual(['Mixed Case', 'public', 'tenant_a', 'tenant_b']);
      expect(schemas).not.toContain('pg_catalog');
      expect(schemas).not.toContain('information_schema');
    });

    it('works on a connection pinned to one schema', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const connection = await connect(targetOptions('tenant_b'));
      expect(await connection.listSchemas!()).toEqual(['public', 'tenant_a', 'tenant_b']);
    });
  });

  describe("sessions never carry another target's search_path", () => {
    it('for two connections in one process, interleaved', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const [a, b, aInspect, bInspect] = await Promise.all([
        connect(targetOptions('tenant_a')),
        connect(targetOptions('tenant_b')),
        connect(targetOptions('tenant_a', { purpose: 'inspect' })),
        connect(targetOptions('tenant_b', { purpose: 'inspect' })),
      ]);
      const seen = (connection: AdapterConnection) => Promise.all([connection.transaction(sessionSchemaOf), connection.autocommit(sessionSchemaOf)]);
      // op.db of a migrate connection: Kysely, on the same session
      const seenByKysely = (connection: AdapterConnection) =>
        connection.transaction(async (session) => (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(session.db as Kysely<unknown>)).rows[0]!.s);
      for (let round = 0; round < 3; round++) {
        const [fromA, fromB, fromAInspect, fromBInspect, kyselyA, kyselyB] = await Promise.all([
          seen(a),
          seen(b),
          seen(aInspect),
          seen(bInspect),
          seenByKysely(a),
          seenByKysely(b),
        ]);
        expect(fromA).toEqual(['tenant_a ("tenant_a")', 'tenant_a ("tenant_a")']);
        expect(fromAInspect).toEqual(fromA);
        expect(kyselyA).toBe('tenant_a');
        expect(fromB).toEqual(['tenant_b ("tenant_b")', 'tenant_b ("tenant_b")']);
        expect(fromBInspect).toEqual(fromB);
        expect(kyselyB).toBe('tenant_b');
      }
      // tables created through each go to its own schema
      await a.transaction((session) => session.execute('CREATE TABLE only_a (id integer)'));
      await b.transaction((session) => session.execute('CREATE TABLE only_b (id integer)'));
      expect(await userRelations()).toEqual(['tenant_a.only_a', 'tenant_b.only_b']);
    });

    it('when the pool reconnects after its session was ended', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const a = await connect(targetOptions('tenant_a'));
      const b = await connect(targetOptions('tenant_b'));
      const pidOf = async (connection: AdapterConnection) =>
        (await connection.autocommit((session) => session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')))[0]!.pid;
      const pid = await pidOf(a);
      await pidOf(b);
      await withClient(url(), (client) => client.query('SELECT pg_terminate_backend($1)', [pid]));
      // the statement in flight on the ended session fails; the pool then opens a new one for the same target
      let again: number | undefined;
      for (let attempt = 0; attempt < 20 && again === undefined; attempt++) {
        again = await pidOf(a).catch(() => undefined);
      }
      expect(again).not.toBe(pid);
      expect(await a.autocommit(sessionSchemaOf)).toBe('tenant_a ("tenant_a")');
      expect(await b.autocommit(sessionSchemaOf)).toBe('tenant_b ("tenant_b")');
    });

    it('a migration that changes search_path itself changes it for its own connection only', async () => {
      await createSchemas('tenant_a', 'tenant_b');
      const a = await connect(targetOptions('tenant_a'));
      const b = await connect(targetOptions('tenant_b'));
      await a.autocommit((session) => session.execute('SET search_path TO public'));
      expect(await b.autocommit(sessionSchemaOf)).toBe('tenant_b ("tenant_b")');
      const c = await connect(targetOptions('tenant_a'));
      expect(await c.autocommit(sessionSchemaOf)).toBe('tenant_a ("tenant_a")');
    });
  });
});

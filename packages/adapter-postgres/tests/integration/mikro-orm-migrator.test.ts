// @module-tag postgres
/**
 * A MikroORM 7 service on PostgreSQL whose `orm.migrator` runs through cgmigrate
 * (`extensions: [cgmigrateMigrator()]`), on a throwaway database (see
 * `../support/orm-project.ts`).
 */
import path from 'node:path';

import { defineEntity, MikroORM, p } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';

import { createTestDatabase, queryTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrateMigrator } from '../../src/mikro-orm.js';
import { onCleanup, useTestDatabase } from '../support/fixtures.js';
import { CGMIGRATE, ormProject, run } from '../support/orm-project.js';

const url = useTestDatabase('cgm_pg_orm_migrator');

const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });

/** MikroORM in this process on `databaseUrl`, with cgmigrate's migrator looking in `dir`. */
async function startOrm(dir: string, databaseUrl: string): Promise<MikroORM> {
  const orm = await MikroORM.init({ clientUrl: databaseUrl, entities: [Scan], extensions: [cgmigrateMigrator({ cwd: dir })], debug: false, logger: () => {} });
  onCleanup(() => orm.close(true));
  return orm;
}

const versionRows = async (databaseUrl: string) =>
  (await queryTestDatabase<{ version_num: string }>(databaseUrl, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((row) => row.version_num);
const auditSteps = async (databaseUrl: string) =>
  (await queryTestDatabase<{ step: string }>(databaseUrl, "SELECT direction || ' ' || revision AS step FROM cgmigrate_audit ORDER BY applied_at, id")).map((row) => row.step);
const tables = async (databaseUrl: string) =>
  (await queryTestDatabase<{ name: string }>(databaseUrl, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((row) => row.name);

describe('orm.migrator through cgmigrate on PostgreSQL', () => {
  it('at start-up, orm.migrator.up() applies on the ORM\'s own database what `cgmigrate upgrade head` applies', async () => {
    const dir = ormProject();
    const orm = await startOrm(dir, url());
    expect((await orm.migrator.getPending()).map((migration) => migration.name)).toEqual(['a1', 'b2', 'c3']);
    expect(await orm.migrator.getExecuted()).toEqual([]);

    expect((await orm.migrator.up()).map((migration) => migration.name)).toEqual(['a1', 'b2', 'c3']);
    await orm.em.fork().insert(Scan, { account: 'acme' });
    expect(await orm.em.fork().count(Scan)).toBe(1);

    const other = await createTestDatabase('cgm_pg_orm_cli');
    onCleanup(() => other.drop());
    const cli = await run(process.execPath, [CGMIGRATE, 'upgrade', 'head', '--url', other.url], dir);
    expect(cli.code, cli.stderr).toBe(0);
    expect(await versionRows(url())).toEqual(['c3']);
    expect(await versionRows(url())).toEqual(await versionRows(other.url));
    expect(await auditSteps(url())).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3']);
    expect(await auditSteps(url())).toEqual(await auditSteps(other.url));
    expect(await tables(url())).toEqual(await tables(other.url));
    expect(await tables(url())).not.toContain('mikro_orm_migrations');

    expect(await orm.migrator.getExecuted()).toMatchObject([
      { id: 1, name: 'a1', revision: 'a1', path: path.join(dir, 'migrations/versions/20250101_a1_create_scans.ts') },
      { id: 2, name: 'b2', revision: 'b2' },
      { id: 3, name: 'c3', revision: 'c3' },
    ]);
    expect(await orm.migrator.getPending()).toEqual([]);
  });

  it('down() reverts the last migration and down({ to: 0 }) everything, each once', async () => {
    const dir = ormProject();
    const orm = await startOrm(dir, url());
    await orm.migrator.up();
    expect((await orm.migrator.down()).map((migration) => migration.name)).toEqual(['c3']);
    expect(await versionRows(url())).toEqual(['b2']);
    expect((await orm.migrator.getPending()).map((migration) => migration.name)).toEqual(['c3']);
    expect((await orm.migrator.down({ to: 0 })).map((migration) => migration.name)).toEqual(['b2', 'a1']);
    expect(await versionRows(url())).toEqual([]);
    expect(await tables(url())).toEqual(['alembic_version', 'cgmigrate_audit']);
    expect(await auditSteps(url())).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3', 'downgrade c3', 'downgrade b2', 'downgrade a1']);
  });

  it('with a URL of its own for another database, migrates that one and says so, never showing a password', async () => {
    const dir = ormProject();
    const other = await createTestDatabase('cgm_pg_orm_other');
    onCleanup(() => other.drop());
    const withPassword = (databaseUrl: string, password: string) => Object.assign(new URL(databaseUrl), { password }).toString();
    const lines: string[] = [];
    const orm = await MikroORM.init({
      clientUrl: withPassword(url(), 'orm-s3cret'),
      entities: [Scan],
      extensions: [cgmigrateMigrator({ cwd: dir, url: withPassword(other.url, 'cgm-s3cret') })],
      logger: (line) => void lines.push(line),
    });
    onCleanup(() => orm.close(true));
    await orm.migrator.up();
    expect(await versionRows(other.url)).toEqual(['c3']);
    expect(await tables(url())).toEqual([]);
    const logged = lines.join('\n');
    expect(logged).toContain(`cgmigrate migrates postgresql://postgres:***@127.0.0.1:5432/${other.name}, while this ORM connects to postgresql://postgres:***@127.0.0.1:5432/`);
    expect(logged).not.toMatch(/s3cret/);
  });

  it('two services started together apply each migration once', async () => {
    const dir = ormProject();
    const start = () => run(process.execPath, ['service.ts'], dir, { ORM_URL: url(), PAUSE_MS: '1500' });
    const services = await Promise.all([start(), start()]);
    for (const service of services) expect(service.code, service.stderr).toBe(0);
    // They met: the second waited for the first's advisory lock, and said so through the ORM's logger.
    expect(services.map((service) => service.stdout).join('\n')).toMatch(/Waiting for the migration lock, held by/);
    const appliedBy = services.map((service) => JSON.parse(service.stdout.trim().split('\n').at(-1)!) as string[]);
    expect(appliedBy.sort((a, b) => a.length - b.length)).toEqual([[], ['a1', 'b2', 'c3']]);
    const logged = await queryTestDatabase<{ revision: string; pid: number }>(url(), 'SELECT revision, pid FROM applied_log ORDER BY revision');
    expect(logged.map((row) => row.revision)).toEqual(['a1', 'b2', 'c3']);
    expect(new Set(logged.map((row) => row.pid)).size).toBe(1);
    expect(await auditSteps(url())).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3']);
  });
});

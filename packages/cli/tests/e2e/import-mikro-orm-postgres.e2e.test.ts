// @module-tag postgres
/**
 * `cgmigrate import mikro-orm` on a real MikroORM 7 project and PostgreSQL 15: the
 * adopted chain follows the project's own cgmigrate history, the database must be at
 * its head first, the stamp writes the version and audit tables, a second run changes
 * nothing, and `upgrade` runs what MikroORM had not.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { fails, fillMigrationSql, migrationFiles, MODES } from './cli.js';
import { adoptedId, createMikroOrmProject, type MikroOrmProject } from './mikro-orm-project.js';

const SLOW = 120_000;

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return ((await client.query(sql)) as { rows: T[] }).rows;
  } finally {
    await client.end();
  }
}

describe('import mikro-orm on PostgreSQL', () => {
  let db: TestDatabase;
  let empty: TestDatabase;
  let project: MikroOrmProject;

  beforeAll(async () => {
    db = await createTestDatabase('cgmigrate_import_mikro');
    empty = await createTestDatabase('cgmigrate_import_mikro_empty');
    project = await createMikroOrmProject({ driver: 'postgresql', connection: `clientUrl: '${db.url}'`, databaseUrl: db.url });
  }, SLOW);
  afterAll(async () => {
    project?.cleanup();
    await db?.drop();
    await empty?.drop();
  });

  it(
    'follows the head of the cgmigrate history, once the database is at it; stamps the version and audit tables; a second run changes nothing; upgrade runs the rest',
    async () => {
      const own = await project.cgmigrate(['revision', '-q', '-m', 'Settings', '--rev-id', 'settings01']);
      expect(own.code, own.stderr).toBe(0);
      fillMigrationSql(own.stdout.trim(), 'CREATE TABLE settings (id integer PRIMARY KEY)', 'DROP TABLE settings');
      const names = await project.createMigrations(3);
      await project.mikroOrm(['migration:up', `--to=${names[1]}`]);
      const ids = names.map(adoptedId);

      // settings01 is not applied: stamping the MikroORM history would record it as applied
      for (const mode of MODES) {
        const { text, hint } = await fails(mode, ['import', 'mikro-orm'], project.dir, { code: 'MIKRO_ORM_IMPORT_REFUSED', exit: 1 }, { DATABASE_URL: db.url });
        expect(text).toContain(
          `the database is not at the head of versions/: settings01 is not applied, and stamping ${ids[1]} would record it as applied without running it`,
        );
        expect(hint).toBe('Bring the database to the head of versions/ first (`cgmigrate current` shows where it is, `cgmigrate upgrade` moves it). Nothing was written.');
      }
      expect(migrationFiles(project.versionsDir)).toHaveLength(1);

      expect((await project.cgmigrate(['upgrade'])).code).toBe(0);
      const adopted = await project.cgmigrate(['import', 'mikro-orm']);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stdout.split('\n')[0]).toBe(`settings01 -> ${ids[0]}, ${names[0]} (applied): written migrations/versions/${names[0]}.ts`);
      expect(adopted.stderr).toContain(`Running stamp_revision settings01 -> ${ids[1]}`);
      const source = readFileSync(path.join(project.migrationsDir, `${names[0]}.ts`), 'utf8');
      expect(readFileSync(path.join(project.versionsDir, `${names[0]}.ts`), 'utf8')).toBe(
        source.replace(' extends Migration {\n', ` extends Migration {\n  static revision = '${ids[0]}';\n  static downRevision = 'settings01';\n`),
      );

      expect(await query(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: ids[1] }]);
      const audit = await query<{ revision: string; direction: string }>(db.url, 'SELECT revision, direction FROM cgmigrate_audit ORDER BY applied_at, revision');
      expect(audit.map((row) => row.revision)).toEqual(expect.arrayContaining(['settings01', ids[1]]));
      expect((await project.cgmigrate(['current'])).stdout).toBe(`${ids[1]}\n`);
      expect((await project.cgmigrate(['history'])).stdout).toBe(
        [
          `${ids[1]} -> ${ids[2]} (head), ${names[2]}`,
          `${ids[0]} -> ${ids[1]}, ${names[1]}`,
          `settings01 -> ${ids[0]}, ${names[0]}`,
          '<base> -> settings01, Settings',
          '',
        ].join('\n'),
      );

      const again = await project.cgmigrate(['import', 'mikro-orm']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('Nothing to do: the 3 MikroORM migrations are adopted in migrations/versions/ already');
      expect(await query(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: ids[1] }]);

      const upgrade = await project.cgmigrate(['upgrade']);
      expect(upgrade.code, upgrade.stderr).toBe(0);
      expect(upgrade.stderr).toContain(`Running upgrade ${ids[1]} -> ${ids[2]}, ${names[2]}`);
      expect(await query(db.url, "SELECT to_regclass('public.review') IS NOT NULL AS present")).toEqual([{ present: true }]);
      // MikroORM's own table is left as it was: two rows
      expect(await query(db.url, 'SELECT count(*)::int AS n FROM mikro_orm_migrations')).toEqual([{ n: 2 }]);
    },
    SLOW,
  );

  it('fails with MIKRO_ORM_HISTORY_NOT_FOUND on a database MikroORM never migrated, naming it without its password', async () => {
    const withPassword = empty.url.replace('postgresql://postgres@', 'postgresql://postgres:s3cret-pw@');
    for (const mode of MODES) {
      const { message, text } = await fails(mode, ['import', 'mikro-orm', '--url', withPassword], project.dir, { code: 'MIKRO_ORM_HISTORY_NOT_FOUND', exit: 1 });
      expect(message).toMatch(/^MikroORM's migrations table mikro_orm_migrations cannot be read in postgresql:\/\/postgres:\*\*\*@.*: relation "mikro_orm_migrations" does not exist$/);
      expect(text).not.toContain('s3cret-pw');
    }
  });
});

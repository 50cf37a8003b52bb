/**
 * `cgmigrate import mikro-orm` on a real MikroORM 7 project and SQLite file: migrations
 * created and applied by MikroORM's own CLI, then adopted, read back by `current` and
 * `history`, run by `upgrade`; a second run that changes nothing; and each refusal, which
 * writes nothing, in human and --json modes.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { cgmigrate, fails, fileDigest, migrationFiles, MODES, tables, tempProject, versionRows, type ErrorJson } from './cli.js';
import { adoptedId, createMikroOrmProject, type MikroOrmProject } from './mikro-orm-project.js';

const SLOW = 120_000;
const SCHEMA = fileURLToPath(new URL('../../../../docs/json/import-mikro-orm.schema.json', import.meta.url));
const validateResult = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);

const projects: MikroOrmProject[] = [];
afterEach(() => {
  for (const project of projects.splice(0)) project.cleanup();
});

async function sqliteProject(migrationsPath?: string): Promise<MikroOrmProject> {
  const project = await createMikroOrmProject({
    driver: 'sqlite',
    connection: "dbName: 'app.db'",
    databaseUrl: 'sqlite:///app.db',
    ...(migrationsPath === undefined ? {} : { migrationsPath }),
  });
  projects.push(project);
  return project;
}

/** A MikroORM file as adopted: its text with the two statics as the class's first members. */
function adoptedText(source: string, revision: string, downRevision: string | null): string {
  const statics = `  static revision = '${revision}';\n  static downRevision = ${downRevision === null ? 'null' : `'${downRevision}'`};\n`;
  return source.replace(' extends Migration {\n', ` extends Migration {\n${statics}`);
}

function digests(dir: string): Record<string, string | undefined> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, fileDigest(path.join(dir, name))]));
}

function mikroOrmRows(project: MikroOrmProject): unknown[] {
  const db = new DatabaseSync(path.join(project.dir, 'app.db'), { readOnly: true });
  try {
    return db.prepare('SELECT * FROM mikro_orm_migrations ORDER BY id').all();
  } finally {
    db.close();
  }
}

describe('import mikro-orm on SQLite', () => {
  it(
    'adopts the files and the history; current and history read them, a second run changes nothing, upgrade runs the rest',
    async () => {
      const project = await sqliteProject();
      const names = await project.createMigrations(3);
      await project.mikroOrm(['migration:up', `--to=${names[1]}`]);
      const ids = names.map(adoptedId);
      const mikroOrmFiles = digests(project.migrationsDir);
      const rowsBefore = mikroOrmRows(project);

      const adopted = await project.cgmigrate(['import', 'mikro-orm']);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stdout).toBe(
        [
          `<base> -> ${ids[0]}, ${names[0]} (applied): written migrations/versions/${names[0]}.ts`,
          `${ids[0]} -> ${ids[1]}, ${names[1]} (applied): written migrations/versions/${names[1]}.ts`,
          `${ids[1]} -> ${ids[2]}, ${names[2]} (not applied): written migrations/versions/${names[2]}.ts`,
          '',
        ].join('\n'),
      );
      expect(adopted.stderr).toContain(`Running stamp_revision  -> ${ids[1]}`);
      expect(adopted.stderr).toContain(
        `Adopted 3 MikroORM migrations (3 written into migrations/versions/); the database is stamped at ${ids[1]} (${names[1]}, the last applied).`,
      );
      expect(adopted.stderr).toContain(
        "Once you have reviewed them, src/migrations (MikroORM's copies, left as they were) and the `migrations` settings and the Migrator extension of mikro-orm.config.ts can go",
      );

      names.forEach((name, i) => {
        const source = readFileSync(path.join(project.migrationsDir, `${name}.ts`), 'utf8');
        expect(readFileSync(path.join(project.versionsDir, `${name}.ts`), 'utf8')).toBe(adoptedText(source, ids[i]!, i === 0 ? null : ids[i - 1]!));
      });
      expect(digests(project.migrationsDir)).toEqual(mikroOrmFiles);
      expect(mikroOrmRows(project)).toEqual(rowsBefore);
      expect(versionRows(path.join(project.dir, 'app.db'))).toEqual([ids[1]]);

      expect((await project.cgmigrate(['current'])).stdout).toBe(`${ids[1]}\n`);
      expect((await project.cgmigrate(['history'])).stdout).toBe(
        [`${ids[1]} -> ${ids[2]} (head), ${names[2]}`, `${ids[0]} -> ${ids[1]}, ${names[1]}`, `<base> -> ${ids[0]}, ${names[0]}`, ''].join('\n'),
      );

      const versions = digests(project.versionsDir);
      const again = await project.cgmigrate(['import', 'mikro-orm']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.split('\n').filter(Boolean).every((line) => line.includes('): unchanged migrations/versions/'))).toBe(true);
      expect(again.stderr).toContain(
        `Nothing to do: the 3 MikroORM migrations are adopted in migrations/versions/ already, and the database is at ${ids[1]} (${names[1]}) or past it.`,
      );
      expect(again.stderr).not.toContain('stamp_revision');
      expect(digests(project.versionsDir)).toEqual(versions);

      const json = await project.cgmigrate(['import', 'mikro-orm', '--json']);
      expect(json.code, json.stderr).toBe(0);
      const document = json.json<Record<string, unknown>>();
      expect(validateResult(document), JSON.stringify(validateResult.errors)).toBe(true);
      expect(document).toMatchObject({
        mikroOrmConfig: path.join(project.dir, 'mikro-orm.config.ts'),
        contextName: 'default',
        migrationsDirectory: project.migrationsDir,
        historyTable: 'mikro_orm_migrations',
        versionsDirectory: project.versionsDir,
        inPlace: false,
        base: null,
        stamp: { status: 'already-stamped', revision: ids[1], migration: names[1], from: [ids[1]], to: [ids[1]] },
        assumptions: [],
        changed: false,
      });
      expect((document['revisions'] as { action: string; applied: boolean }[]).map((r) => [r.action, r.applied])).toEqual([
        ['unchanged', true],
        ['unchanged', true],
        ['unchanged', false],
      ]);

      const upgrade = await project.cgmigrate(['upgrade']);
      expect(upgrade.code, upgrade.stderr).toBe(0);
      expect(upgrade.stderr).toContain(`Running upgrade ${ids[1]} -> ${ids[2]}, ${names[2]}`);
      expect(tables(path.join(project.dir, 'app.db'))).toContain('review');
      expect((await project.cgmigrate(['current'])).stdout).toBe(`${ids[2]} (head)\n`);
      const afterUpgrade = await project.cgmigrate(['import', 'mikro-orm']);
      expect(afterUpgrade.stderr).toContain(`the database is at ${ids[1]} (${names[1]}) or past it.`);
      expect(versionRows(path.join(project.dir, 'app.db'))).toEqual([ids[2]]);
    },
    SLOW,
  );

  it(
    'annotates the files in place when the MikroORM migrations folder is versions/',
    async () => {
      const project = await sqliteProject('./migrations/versions');
      const names = await project.createMigrations(2);
      await project.mikroOrm(['migration:up']);
      const ids = names.map(adoptedId);
      const sources = names.map((name) => readFileSync(path.join(project.versionsDir, `${name}.ts`), 'utf8'));

      const adopted = await project.cgmigrate(['import', 'mikro-orm']);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stdout).toBe(
        `<base> -> ${ids[0]}, ${names[0]} (applied): annotated migrations/versions/${names[0]}.ts\n` +
          `${ids[0]} -> ${ids[1]}, ${names[1]} (applied): annotated migrations/versions/${names[1]}.ts\n`,
      );
      expect(adopted.stderr).toContain('Adopted 2 MikroORM migrations (2 annotated in place); the database is stamped at');
      expect(adopted.stderr).toContain('the `migrations` settings and the Migrator extension of mikro-orm.config.ts can go');
      names.forEach((name, i) => {
        expect(readFileSync(path.join(project.versionsDir, `${name}.ts`), 'utf8')).toBe(adoptedText(sources[i]!, ids[i]!, i === 0 ? null : ids[i - 1]!));
      });
      expect((await project.cgmigrate(['current'])).stdout).toBe(`${ids[1]} (head)\n`);
      const again = await project.cgmigrate(['import', 'mikro-orm']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('Nothing to do: the 2 MikroORM migrations are adopted in migrations/versions/ already');
    },
    SLOW,
  );

  it(
    'refuses an applied migration whose file is gone, writing nothing; --force adopts the rest and says what it assumed',
    async () => {
      const project = await sqliteProject();
      const names = await project.createMigrations(3);
      await project.mikroOrm(['migration:up']);
      rmSync(path.join(project.migrationsDir, `${names[1]}.ts`));
      const ids = names.map(adoptedId);
      const db = path.join(project.dir, 'app.db');

      for (const mode of MODES) {
        const { run, message, hint, text } = await fails(mode, ['import', 'mikro-orm'], project.dir, { code: 'MIKRO_ORM_IMPORT_REFUSED', exit: 1 }, { DATABASE_URL: 'sqlite:///app.db' });
        expect(message.split('\n')[0]).toBe('Cannot adopt the MikroORM migrations safely:');
        expect(text).toContain(`${names[1]} is applied (`);
        expect(text).toContain(') but no migration file has that name');
        expect(hint).toBe(`Check each problem against the database; if the assumptions --force states hold, run \`cgmigrate import mikro-orm --force\`. Nothing was written.`);
        if (mode === 'json') {
          expect(run.json<ErrorJson>().error['problems']).toMatchObject([
            { kind: 'applied-without-file', migration: names[1], forceable: true, assumption: `${names[1]} is left out: what it did stays in the database, and no revision holds it` },
          ]);
        }
        expect(migrationFiles(project.versionsDir)).toEqual([]);
        expect(versionRows(db)).toBeUndefined();
      }

      const forced = await project.cgmigrate(['import', 'mikro-orm', '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toContain(
        `Warning: --force: ${names[1]} is applied (`,
      );
      expect(forced.stderr).toContain(`but no migration file has that name; assumed: ${names[1]} is left out: what it did stays in the database, and no revision holds it`);
      expect(forced.stdout).toBe(
        `<base> -> ${ids[0]}, ${names[0]} (applied): written migrations/versions/${names[0]}.ts\n` +
          `${ids[0]} -> ${ids[2]}, ${names[2]} (applied): written migrations/versions/${names[2]}.ts\n`,
      );
      expect(versionRows(db)).toEqual([ids[2]]);
    },
    SLOW,
  );

  it(
    'refuses a migration not applied while a later one is, and executed_at going back in file order',
    async () => {
      const project = await sqliteProject();
      const names = await project.createMigrations(3);
      await project.mikroOrm(['migration:up', `--only=${names[0]},${names[2]}`]);
      const ids = names.map(adoptedId);

      for (const mode of MODES) {
        const { text, run } = await fails(mode, ['import', 'mikro-orm'], project.dir, { code: 'MIKRO_ORM_IMPORT_REFUSED', exit: 1 }, { DATABASE_URL: 'sqlite:///app.db' });
        expect(text).toContain(`${names[1]} is not applied, but ${names[2]} sorts after it and is`);
        if (mode === 'json') expect(run.json<ErrorJson>().error['problems']).toMatchObject([{ kind: 'applied-out-of-order', migration: names[1], forceable: true }]);
      }
      expect(migrationFiles(project.versionsDir)).toEqual([]);

      const forced = await project.cgmigrate(['import', 'mikro-orm', '--force', '--json']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toContain(`Warning: --force: ${names[1]} is not applied, but ${names[2]} sorts after it and is; assumed: ${names[1]} is recorded as applied`);
      const document = forced.json<{ stamp: { revision: string }; assumptions: { kind: string }[] }>();
      expect(validateResult(document), JSON.stringify(validateResult.errors)).toBe(true);
      expect(document.stamp.revision).toBe(ids[2]);
      expect(document.assumptions.map((a) => a.kind)).toEqual(['applied-out-of-order']);

      // executed_at going back: the first file ran a minute after the second
      const other = await sqliteProject();
      const two = await other.createMigrations(2);
      await other.mikroOrm(['migration:up']);
      const db = new DatabaseSync(path.join(other.dir, 'app.db'));
      db.prepare('UPDATE mikro_orm_migrations SET executed_at = executed_at + 60000 WHERE name = ?').run(two[0]!);
      db.close();
      const { text } = await fails('human', ['import', 'mikro-orm'], other.dir, { code: 'MIKRO_ORM_IMPORT_REFUSED', exit: 1 }, { DATABASE_URL: 'sqlite:///app.db' });
      expect(text).toMatch(new RegExp(`${two[1]} was applied at \\S+Z, before ${two[0]} \\(\\S+Z\\), which sorts before it`));
    },
    SLOW,
  );

  it(
    'refuses, even with --force, a file of the same name in versions/ with other content, naming it',
    async () => {
      const project = await sqliteProject();
      const [name] = await project.createMigrations(1);
      await project.mikroOrm(['migration:up']);
      const mine = path.join(project.versionsDir, `${name}.ts`);
      writeFileSync(mine, "export default { revision: 'mine', downRevision: null, async up() {} };\n");
      for (const args of [['import', 'mikro-orm'], ['import', 'mikro-orm', '--force']]) {
        for (const mode of MODES) {
          const { text, hint } = await fails(mode, args, project.dir, { code: 'MIKRO_ORM_IMPORT_REFUSED', exit: 1 }, { DATABASE_URL: 'sqlite:///app.db' });
          expect(text).toContain(`${mine} exists and differs from ${path.join(project.migrationsDir, `${name}.ts`)} with the revision it would get (${adoptedId(name!)})`);
          expect(hint).toBe('Move the file in versions/ named above out of the way (or restore what the import wrote). Nothing was written.');
        }
      }
      expect(readFileSync(mine, 'utf8')).toBe("export default { revision: 'mine', downRevision: null, async up() {} };\n");
      expect(versionRows(path.join(project.dir, 'app.db'))).toBeUndefined();
    },
    SLOW,
  );

  it(
    'fails with MIKRO_ORM_HISTORY_NOT_FOUND, writing nothing, when the database has no MikroORM table',
    async () => {
      const project = await sqliteProject();
      await project.createMigrations(1);
      for (const mode of MODES) {
        const { message, hint } = await fails(mode, ['import', 'mikro-orm', '--url', 'sqlite:///other.db'], project.dir, { code: 'MIKRO_ORM_HISTORY_NOT_FOUND', exit: 1 });
        expect(message).toBe("MikroORM's migrations table mikro_orm_migrations cannot be read in sqlite:///other.db: no such table: mikro_orm_migrations");
        expect(hint).toContain('Point cgmigrate at the database MikroORM migrated: --url, DATABASE_URL or `url` in cgmigrate.config.ts');
      }
      expect(migrationFiles(project.versionsDir)).toEqual([]);
      expect(existsSync(path.join(project.dir, 'other.db'))).toBe(false);
    },
    SLOW,
  );
});

describe('import mikro-orm without a MikroORM project', () => {
  it('fails with MIKRO_ORM_CONFIG_NOT_FOUND, naming where it looked', async () => {
    const { dir, cleanup } = tempProject();
    try {
      expect((await cgmigrate(['init', '-q'], { cwd: dir })).code).toBe(0);
      for (const mode of MODES) {
        const { message, hint } = await fails(mode, ['import', 'mikro-orm'], dir, { code: 'MIKRO_ORM_CONFIG_NOT_FOUND', exit: 2 });
        expect(message).toBe('MikroORM config file not found in ./src/mikro-orm.config.ts, ./mikro-orm.config.ts, ./src/mikro-orm.config.js, ./mikro-orm.config.js');
        expect(hint).toContain('--mikro-orm-config <path>');
        const given = await fails(mode, ['import', 'mikro-orm', '--mikro-orm-config', 'config/orm.ts'], dir, { code: 'MIKRO_ORM_CONFIG_NOT_FOUND', exit: 2 });
        expect(given.message).toBe('MikroORM config file not found in config/orm.ts');
      }
    } finally {
      cleanup();
    }
  });
});

/**
 * Reading a MikroORM project as MikroORM 7's CLI and migrator read it: where the config
 * is, which context of it, which folder and files are the migrations, which table holds
 * the applied ones. Real files in a temporary folder; no database.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMigrateError } from '@cloudguard/migrate-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  listMikroOrmMigrations,
  loadMikroOrmConfig,
  mikroOrmConfigPaths,
  readMikroOrmHistory,
  readMikroOrmMigrationSettings,
  type LoadedMikroOrmConfig,
} from '../../src/mikro-orm/index.js';
import { selectMikroOrmContext } from '../../src/mikro-orm/mikro-orm-context.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-mikro-orm-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "type": "module" }\n');
  for (const name of ['MIKRO_ORM_CLI_CONFIG', 'MIKRO_ORM_CONTEXT_NAME', 'MIKRO_ORM_CLI_PREFER_TS', 'MIKRO_ORM_MIGRATIONS_PATH']) vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isMigrateError(error) ? error.code : `not a MigrateError: ${String(error)}`;
  }
  return undefined;
}

describe('mikroOrmConfigPaths', () => {
  it("lists MikroORM's CLI candidates in its order: the variable, package.json configPaths, the TypeScript paths, the built JavaScript", async () => {
    write('package.json', JSON.stringify({ name: 'app', 'mikro-orm': { configPaths: ['./config/orm.ts'] } }));
    mkdirSync(path.join(dir, 'dist'));
    expect(await mikroOrmConfigPaths({ cwd: dir, env: { MIKRO_ORM_CLI_CONFIG: './custom.config.js' } })).toEqual([
      './custom.config.js',
      './config/orm.ts',
      './src/mikro-orm.config.ts',
      './mikro-orm.config.ts',
      './dist/mikro-orm.config.js',
      './mikro-orm.config.js',
    ]);
  });

  it('leaves the TypeScript paths out when preferTs is false', async () => {
    write('package.json', JSON.stringify({ name: 'app', 'mikro-orm': { preferTs: false, configPaths: ['./orm.ts', './orm.js'] } }));
    expect(await mikroOrmConfigPaths({ cwd: dir, env: {} })).toEqual(['./orm.js', './src/mikro-orm.config.js', './mikro-orm.config.js']);
    expect(await mikroOrmConfigPaths({ cwd: dir, env: { MIKRO_ORM_CLI_PREFER_TS: 'true' } })).toContain('./mikro-orm.config.ts');
  });
});

describe('loadMikroOrmConfig', () => {
  it('loads the first candidate that exists, with the MIKRO_ORM_* variables over its options', async () => {
    write('src/mikro-orm.config.js', "export default { dbName: 'b.db', migrations: { path: './from-src' } };\n");
    const file = write('mikro-orm.config.ts', "const config: { dbName: string } = { dbName: 'a.db' };\nexport default config;\n");
    const loaded = await loadMikroOrmConfig({ cwd: dir, env: {} });
    expect(loaded).toMatchObject({ path: file, contextName: 'default', preferTs: true });
    expect(loaded.options['dbName']).toBe('a.db');
    vi.stubEnv('MIKRO_ORM_MIGRATIONS_PATH', './db/migrations');
    expect((await loadMikroOrmConfig({ cwd: dir, env: {} })).options['migrations']).toEqual({ path: './db/migrations' });
  });

  it('takes the context asked for from an array, by the flag, MIKRO_ORM_CONTEXT_NAME, or default', async () => {
    write(
      'mikro-orm.config.js',
      "export default [{ dbName: 'main.db' }, { contextName: 'reporting', dbName: 'reports.db' }, (name) => name === 'late' ? { dbName: 'late.db' } : undefined];\n",
    );
    expect((await loadMikroOrmConfig({ cwd: dir, env: {} })).options['dbName']).toBe('main.db');
    expect((await loadMikroOrmConfig({ cwd: dir, env: { MIKRO_ORM_CONTEXT_NAME: 'reporting' } })).options['dbName']).toBe('reports.db');
    expect((await loadMikroOrmConfig({ cwd: dir, env: {}, contextName: 'late' })).options['dbName']).toBe('late.db');
    expect(await codeOf(loadMikroOrmConfig({ cwd: dir, env: {}, contextName: 'missing' }))).toBe('MIKRO_ORM_CONFIG_INVALID');
  });

  it('awaits a default export that is a function or a promise', async () => {
    write('orm.mjs', 'export default async (name) => ({ dbName: `${name}.db` });\n');
    expect((await loadMikroOrmConfig({ cwd: dir, env: {}, configPath: 'orm.mjs' })).options['dbName']).toBe('default.db');
    write('promised.mjs', "export default Promise.resolve({ dbName: 'p.db' });\n");
    expect((await loadMikroOrmConfig({ cwd: dir, env: {}, configPath: 'promised.mjs' })).options['dbName']).toBe('p.db');
  });

  it('names every path it looked at when none exists, and says why a config cannot be imported', async () => {
    const notFound = loadMikroOrmConfig({ cwd: dir, env: {} });
    await expect(notFound).rejects.toMatchObject({
      code: 'MIKRO_ORM_CONFIG_NOT_FOUND',
      paths: ['./src/mikro-orm.config.ts', './mikro-orm.config.ts', './src/mikro-orm.config.js', './mikro-orm.config.js'],
      message: 'MikroORM config file not found in ./src/mikro-orm.config.ts, ./mikro-orm.config.ts, ./src/mikro-orm.config.js, ./mikro-orm.config.js',
    });
    await expect(loadMikroOrmConfig({ cwd: dir, env: {}, configPath: 'nope.ts' })).rejects.toMatchObject({ code: 'MIKRO_ORM_CONFIG_NOT_FOUND', paths: ['nope.ts'] });
    const broken = write('broken.mjs', "throw new Error('no DATABASE_HOST');\n");
    await expect(loadMikroOrmConfig({ cwd: dir, env: {}, configPath: 'broken.mjs' })).rejects.toMatchObject({
      code: 'MIKRO_ORM_CONFIG_INVALID',
      path: broken,
      message: `Cannot adopt from MikroORM config ${broken}: it could not be imported: no DATABASE_HOST`,
    });
  });
});

describe('selectMikroOrmContext', () => {
  it("follows searchConfiguration: a named object is not 'default', two of one name are an error", async () => {
    expect(await codeOf(selectMikroOrmContext({ contextName: 'other' }, 'default', 'f'))).toBe('MIKRO_ORM_CONFIG_INVALID');
    expect(await selectMikroOrmContext({ contextName: 'other', dbName: 'o' }, 'other', 'f')).toEqual({ contextName: 'other', dbName: 'o' });
    await expect(selectMikroOrmContext([{ contextName: 'x' }, { contextName: 'x' }], 'x', 'f')).rejects.toThrow("its array holds context 'x' twice (entries 0 and 1)");
    await expect(selectMikroOrmContext(() => ({ contextName: 'y' }), 'x', 'f')).rejects.toThrow("its config function returned no config for context 'x'");
  });
});

describe('readMikroOrmMigrationSettings', () => {
  const config = (options: Record<string, unknown>, preferTs = true): LoadedMikroOrmConfig => ({
    path: path.join(dir, 'mikro-orm.config.ts'),
    contextName: 'default',
    options,
    preferTs,
  });

  it('takes pathTs when MikroORM runs TypeScript, path otherwise, relative to baseDir', () => {
    mkdirSync(path.join(dir, 'src/migrations'), { recursive: true });
    mkdirSync(path.join(dir, 'dist/migrations'), { recursive: true });
    const options = { migrations: { path: './dist/migrations', pathTs: './src/migrations' } };
    expect(readMikroOrmMigrationSettings(config(options), dir)).toEqual({
      directory: path.join(dir, 'src/migrations'),
      glob: '!(*.d).{js,ts,cjs}',
      tableName: 'mikro_orm_migrations',
      schema: undefined,
    });
    expect(readMikroOrmMigrationSettings(config(options, false), dir).directory).toBe(path.join(dir, 'dist/migrations'));
    mkdirSync(path.join(dir, 'app/db'), { recursive: true });
    expect(readMikroOrmMigrationSettings(config({ baseDir: 'app', migrations: { path: 'db' } }), dir).directory).toBe(path.join(dir, 'app/db'));
  });

  it("finds MikroORM's default folder: ./migrations, or ./src/migrations in a project with src/ and no ./migrations", () => {
    mkdirSync(path.join(dir, 'migrations'));
    expect(readMikroOrmMigrationSettings(config({}), dir).directory).toBe(path.join(dir, 'migrations'));
    rmSync(path.join(dir, 'migrations'), { recursive: true });
    mkdirSync(path.join(dir, 'src/migrations'), { recursive: true });
    expect(readMikroOrmMigrationSettings(config({}), dir).directory).toBe(path.join(dir, 'src/migrations'));
  });

  it('reads the table and its schema as MikroORM does: migrations.schema, a schema.table name, then the config schema', () => {
    mkdirSync(path.join(dir, 'migrations'));
    const settings = (options: Record<string, unknown>) => {
      const { tableName, schema } = readMikroOrmMigrationSettings(config(options), dir);
      return { tableName, schema };
    };
    expect(settings({ schema: 'app', migrations: { tableName: 'history' } })).toEqual({ tableName: 'history', schema: 'app' });
    expect(settings({ schema: 'app', migrations: { tableName: 'ops.history' } })).toEqual({ tableName: 'history', schema: 'ops' });
    expect(settings({ schema: 'app', migrations: { schema: 'tenant', tableName: 'ops.history' } })).toEqual({ tableName: 'history', schema: 'tenant' });
  });

  it('refuses migrations listed as classes and a folder that does not exist', () => {
    expect(() => readMikroOrmMigrationSettings(config({ migrations: { migrationsList: [] } }), dir)).toThrow(/migrationsList, not files/);
    expect(() => readMikroOrmMigrationSettings(config({ migrations: { path: './gone' } }), dir)).toThrow(`its migrations folder ${path.join(dir, 'gone')} does not exist`);
  });
});

describe('listMikroOrmMigrations', () => {
  it("lists the glob's files sorted by path, named without .ts/.js", async () => {
    for (const name of ['Migration20241116000002.ts', 'Migration20241116000001.ts', 'Migration20241116000003.js', 'types.d.ts', 'notes.md', 'Legacy.cjs']) {
      write(`migrations/${name}`, '');
    }
    const files = await listMikroOrmMigrations({ directory: path.join(dir, 'migrations'), glob: '!(*.d).{js,ts,cjs}' });
    expect(files.map((file) => [file.name, file.fileName])).toEqual([
      ['Legacy.cjs', 'Legacy.cjs'],
      ['Migration20241116000001', 'Migration20241116000001.ts'],
      ['Migration20241116000002', 'Migration20241116000002.ts'],
      ['Migration20241116000003', 'Migration20241116000003.js'],
    ]);
    expect(files[1]!.path).toBe(path.join(dir, 'migrations', 'Migration20241116000001.ts'));
  });
});

describe('readMikroOrmHistory', () => {
  const session = (rows: Record<string, unknown>[] | Error) => ({
    statements: [] as string[],
    async query(sql: string) {
      this.statements.push(sql);
      if (rows instanceof Error) throw rows;
      return rows;
    },
  });

  it("reads the rows by id, names without .ts/.js, and every driver's timestamp as ISO UTC", async () => {
    const fake = session([
      { id: 1, name: 'Migration20241116000001.ts', executed_at: 1731751200000 },
      { id: 2, name: 'Migration20241116000002', executed_at: '2024-11-16 10:00:01' },
      { id: 3, name: 'Migration20241116000003', executed_at: new Date('2024-11-16T10:00:02Z') },
      { id: 4, name: 'Migration20241116000004', executed_at: null },
    ]);
    const rows = await readMikroOrmHistory(fake as never, { tableName: 'mikro_orm_migrations', schema: 'App' }, 'sqlite:///app.db');
    expect(fake.statements).toEqual(['SELECT id, name, executed_at FROM "App".mikro_orm_migrations ORDER BY id']);
    expect(rows).toEqual([
      { id: 1, name: 'Migration20241116000001', executedAt: '2024-11-16T10:00:00.000Z' },
      { id: 2, name: 'Migration20241116000002', executedAt: '2024-11-16T10:00:01.000Z' },
      { id: 3, name: 'Migration20241116000003', executedAt: '2024-11-16T10:00:02.000Z' },
      { id: 4, name: 'Migration20241116000004', executedAt: null },
    ]);
  });

  it('turns a table that cannot be read into MIKRO_ORM_HISTORY_NOT_FOUND with the database and its answer', async () => {
    const fake = session(new Error('no such table: mikro_orm_migrations'));
    await expect(readMikroOrmHistory(fake as never, { tableName: 'mikro_orm_migrations', schema: undefined }, 'sqlite:///app.db')).rejects.toMatchObject({
      code: 'MIKRO_ORM_HISTORY_NOT_FOUND',
      table: 'mikro_orm_migrations',
      database: 'sqlite:///app.db',
      reason: 'no such table: mikro_orm_migrations',
      message: "MikroORM's migrations table mikro_orm_migrations cannot be read in sqlite:///app.db: no such table: mikro_orm_migrations",
    });
  });
});

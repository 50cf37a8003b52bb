import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MigrationClassSupport } from '../../src/adapter/migration-class-support.js';
import { current } from '../../src/commands/current.js';
import { createEnvironment, type MigrationEnvironment } from '../../src/commands/environment.js';
import { history } from '../../src/commands/history.js';
import { downgrade, upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MigrationOperations } from '../../src/migration.js';
import { ScriptDirectory } from '../../src/script/script-directory.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/**
 * Migration files written as classes (MikroORM's form) run through the adapter's
 * `migrationClasses()`. The ORM here is a stand-in: `fake-orm.mjs` in the project gives
 * the base class, and FAKE_SUPPORT turns a class's `addSql` calls into `op.execute`.
 */
const FAKE_ORM = `export class Migration {
  sql = [];
  addSql(statement) { this.sql.push(statement); }
}
`;

/** What a class migration's `up`/`down` gave to `addSql`, run through `op`. */
async function runAddedSql(migrationClass: new () => unknown, method: 'up' | 'down', op: MigrationOperations): Promise<void> {
  const instance = new migrationClass() as { sql: string[] } & Record<'up' | 'down', () => Promise<void>>;
  await instance[method]();
  for (const statement of instance.sql) await op.execute(statement);
}

const FAKE_SUPPORT: MigrationClassSupport = {
  framework: 'FakeORM',
  toMigration(migrationClass, identity) {
    const prototype = migrationClass.prototype as Record<string, unknown>;
    if (typeof prototype['addSql'] !== 'function') return "it does not extend FakeORM's Migration";
    const constructible = migrationClass as unknown as new () => unknown;
    return {
      ...identity,
      up: (op) => runAddedSql(constructible, 'up', op),
      ...(typeof prototype['down'] === 'function' ? { down: (op: MigrationOperations) => runAddedSql(constructible, 'down', op) } : {}),
    };
  },
};

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

interface ProjectOptions {
  /** The adapter's `migrationClasses`; `null` for an adapter without one. Default: FAKE_SUPPORT. */
  readonly support?: MigrationClassSupport | null;
}

/** A project whose `versions/` holds `files` (name → source), on an in-memory database. */
async function project(files: Record<string, string>, options: ProjectOptions = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-classes-'));
  roots.push(cwd);
  const versions = path.join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(cwd, 'migrations', 'fake-orm.mjs'), FAKE_ORM);
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(versions, name), source);
  const memory = createMemoryAdapter();
  const calls = { migrationClasses: 0 };
  const support = options.support === undefined ? FAKE_SUPPORT : options.support;
  const adapter =
    support === null
      ? memory
      : {
          ...memory,
          async migrationClasses() {
            calls.migrationClasses++;
            return support;
          },
        };
  const config = await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter } });
  const env: MigrationEnvironment = createEnvironment(config);
  return { env, db: memory.database('memory://db'), calls, file: (name: string) => path.join(versions, name) };
}

function classFile(name: string, revision: string, parent: string | null, table: string, extra = ''): string {
  return `import { Migration } from '../fake-orm.mjs';

export class ${name} extends Migration {
  static revision = '${revision}';
  static downRevision = ${parent === null ? 'null' : `'${parent}'`};
  ${extra}
  async up() { this.addSql('create table ${table} (id int)'); }
  async down() { this.addSql('drop table ${table}'); }
}
`;
}

/** The error `work` fails with. */
async function failure(work: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the command to fail');
  return error as Error & Record<string, unknown>;
}

describe('migration classes as revisions', () => {
  it('upgrades and downgrades class files through the adapter, asking it for class support once', async () => {
    const { env, db, calls } = await project({
      '0001_scans.mjs': classFile('Migration20241116000001', 'a1', null, 'scan'),
      '0002_findings.mjs': classFile('Migration20241116000002', 'b2', 'a1', 'finding'),
    });
    const result = await upgrade(env, { target: 'head' });
    expect(result.steps.map((step) => step.revision)).toEqual(['a1', 'b2']);
    expect(db.statements).toEqual(['create table scan (id int)', 'create table finding (id int)']);
    expect(db.versions).toEqual(['b2']);

    await downgrade(env, { target: 'base' });
    expect(db.statements.slice(-2)).toEqual(['drop table finding', 'drop table scan']);
    expect(db.versions).toEqual([]);
    // One call per command that imported classes (each reads its own script directory).
    expect(calls.migrationClasses).toBe(2);
  });

  it('takes a named export, a default export and an anonymous default class; the name is the message', async () => {
    const { env, db } = await project({
      '0001_named.mjs': classFile('Migration20241116000001', 'a1', null, 'scan'),
      '0002_default.mjs': classFile('AddFindings', 'b2', 'a1', 'finding').replace('export class AddFindings', 'export default class AddFindings'),
      '0003_anonymous.mjs': classFile('Unused', 'c3', 'b2', 'asset').replace('export class Unused', 'export default class'),
      '0004_message.mjs': classFile('Migration20241116000004', 'd4', 'c3', 'owner', "static message = 'Add owners';"),
    });
    const { revisions } = await history(env);
    expect(revisions.map((revision) => [revision.id, revision.message])).toEqual([
      ['d4', 'Add owners'],
      ['c3', '0003_anonymous'],
      ['b2', 'AddFindings'],
      ['a1', 'Migration20241116000001'],
    ]);
    await upgrade(env, { target: 'head' });
    expect(db.statements).toEqual(['create table scan (id int)', 'create table finding (id int)', 'create table asset (id int)', 'create table owner (id int)']);
  });

  it('reads class files for history and current without importing them (nor asking the adapter)', async () => {
    // Importing this file would fail: the ORM it names is not installed.
    const source = classFile('Migration20241116000001', 'a1', null, 'scan').replace('../fake-orm.mjs', '@mikro-orm/not-installed');
    const { env, calls } = await project({ '0001_scans.ts': source });
    expect((await history(env)).revisions.map((revision) => revision.message)).toEqual(['Migration20241116000001']);
    expect((await current(env)).revisions).toEqual([]);
    expect(calls.migrationClasses).toBe(0);
    const error = await failure(upgrade(env, { target: 'head' }));
    expect(error).toMatchObject({ code: 'MALFORMED_MIGRATION' });
    expect(error.message).toContain('it could not be imported');
  });

  it('refuses a class whose statics are not literals, or missing, when reading headers (MALFORMED_MIGRATION, no import)', async () => {
    const computed = classFile('Migration1', 'a1', null, 'scan').replace("static revision = 'a1';", 'static revision = `a${1}`;');
    const notLiteral = await project({ '0001_scans.mjs': `throw new Error('imported');\n${computed}` });
    const error = await failure(history(notLiteral.env));
    expect(error).toMatchObject({ code: 'MALFORMED_MIGRATION', path: notLiteral.file('0001_scans.mjs'), migrationClass: 'Migration1' });
    expect(error['problem']).toMatch(/^its class Migration1 sets `static revision` to something other than a literal/);

    const missing = await project({ '0001_scans.mjs': classFile('Migration1', 'a1', null, 'scan').replace(/static downRevision = null;/, '') });
    expect(await failure(history(missing.env))).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      problem: 'its class Migration1 has no `static downRevision`: the revision(s) it follows, or null for the first revision',
    });
  });

  it('refuses a module that exports several classes and no default export, listing them', async () => {
    // Not class-shaped in its source (`export { … }`), so its header is read by importing it.
    const source = `import { Migration } from '../fake-orm.mjs';
class First extends Migration { static revision = 'a1'; static downRevision = null; async up() {} }
class Second extends Migration { static revision = 'b2'; static downRevision = 'a1'; async up() {} }
export { First, Second };
`;
    const { env } = await project({ '0001_two.mjs': source });
    expect(await failure(history(env))).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      problem:
        'it exports several classes (First, Second) and no default export, so which one is the migration is ambiguous: export only the migration class, make it the default export, or give only it a static revision',
    });
  });

  it('runs, of several exported classes, the one that declares its revision', async () => {
    const source = `import { Migration } from '../fake-orm.mjs';
class Backfill extends Migration { async up() {} }
class AddScans extends Migration { static revision = 'a1'; static downRevision = null; async up() { this.addSql('create table scan (id int)'); } }
export { Backfill, AddScans };
`;
    const { env, db } = await project({ '0001_scans.mjs': source });
    expect((await history(env)).revisions.map((revision) => [revision.id, revision.message])).toEqual([['a1', 'AddScans']]);
    await upgrade(env, { target: 'head' });
    expect(db.statements).toEqual(['create table scan (id int)']);
  });

  it('reads the statics of a class exported in a way its source does not show, by importing it', async () => {
    const source = `import { Migration } from '../fake-orm.mjs';
class AddScans extends Migration {
  static revision = 'a1';
  static downRevision = null;
  async up() { this.addSql('create table scan (id int)'); }
}
export default AddScans;
`;
    const { env, db } = await project({ '0001_scans.mjs': source });
    expect((await history(env)).revisions.map((revision) => [revision.id, revision.message])).toEqual([['a1', 'AddScans']]);
    await upgrade(env, { target: 'head' });
    expect(db.statements).toEqual(['create table scan (id int)']);
  });

  it("refuses a class whose imported static revision differs from its header's", async () => {
    const source = `${classFile('Migration1', 'a1', null, 'scan')}Migration1.revision = 'z9';\n`;
    const { env, db } = await project({ '0001_scans.mjs': source });
    const error = await failure(upgrade(env, { target: 'head' }));
    expect(error).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      problem: "its class Migration1 has static revision 'z9' but its header says 'a1'",
      migrationClass: 'Migration1',
    });
    expect(db.statements).toEqual([]);
  });

  it('names the adapter that cannot run migration classes', async () => {
    const { env, file } = await project({ '0001_scans.mjs': classFile('Migration1', 'a1', null, 'scan') }, { support: null });
    const error = await failure(upgrade(env, { target: 'head' }));
    expect(error).toMatchObject({ code: 'MALFORMED_MIGRATION', path: file('0001_scans.mjs'), adapter: 'memory', migrationClass: 'Migration1' });
    expect(error.message).toBe(`Malformed migration ${file('0001_scans.mjs')}: its export is a migration class (Migration1), which the memory adapter cannot run`);
  });

  it('refuses to import a class through a script directory loaded without an adapter for classes', async () => {
    const { env, file } = await project({ '0001_scans.mjs': classFile('Migration1', 'a1', null, 'scan') });
    const scripts = await ScriptDirectory.load(env.config.scriptLocation);
    expect(await failure(scripts.importMigration(scripts.map.get('a1')))).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      path: file('0001_scans.mjs'),
      problem:
        'its export is a migration class (Migration1), and this script directory was loaded without an adapter to run migration classes (the migrationClassAdapter option of ScriptDirectory.load)',
    });
  });

  it("reports the adapter's problem with a class as MALFORMED_MIGRATION", async () => {
    const source = `export class Migration1 extends Object {\n  static revision = 'a1';\n  static downRevision = null;\n  async up() {}\n}\n`;
    const { env, db } = await project({ '0001_scans.mjs': source });
    expect(await failure(upgrade(env, { target: 'head' }))).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      problem: "it does not extend FakeORM's Migration",
      migrationClass: 'Migration1',
    });
    expect(db.versions).toBeUndefined();
  });
});

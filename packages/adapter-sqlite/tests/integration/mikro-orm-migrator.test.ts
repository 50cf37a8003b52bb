/**
 * A MikroORM 7 service whose `orm.migrator` runs through cgmigrate (`extensions:
 * [cgmigrateMigrator()]`), on real SQLite files in a temporary project (see
 * `../support/orm-project.ts`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { Migrator } from '@mikro-orm/migrations';
import { defineEntity, MikroORM, p } from '@mikro-orm/sqlite';
import { describe, expect, it } from 'vitest';

import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { cgmigrateMigrator } from '../../src/mikro-orm.js';
import { afterTest, appliedLog, auditSteps, CGMIGRATE, CLASS_MIGRATION, ormProject as project, run, tables, versionRows } from '../support/orm-project.js';

/** docs/mikro-orm.md's service, migrating at start-up with `orm.migrator.up()`. */
const [serviceBlock] = blocksRunBy('docs/mikro-orm.md', 'packages/adapter-sqlite/tests/integration/mikro-orm-migrator.test.ts');

const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });

/**
 * A service with an entity of its own mapping: ScanNote, under the service's naming strategy
 * (EntityCaseNamingStrategy), is table "ScanNote" with columns "scanId" and "noteText", where
 * MikroORM's default strategy would look for scan_note, scan_id and note_text.
 */
const NOTE_ENTITIES = `import { defineEntity, p } from '@mikro-orm/sqlite';

export const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });
export const ScanNote = defineEntity({ name: 'ScanNote', properties: { id: p.integer().primary(), scanId: p.integer(), noteText: p.string() } });
`;

/** cgmigrate's config lists the service's own entity classes, as one that autogenerates does. */
const NOTE_CGMIGRATE_CONFIG = `import { Scan, ScanNote } from './entities.ts';

export default { scriptLocation: 'migrations', entities: [Scan, ScanNote] };
`;

/**
 * d4 creates the notes table; e5, a MikroORM class, writes a note per scan through its
 * EntityManager, and with `E5_MODE` fails after its flush, or writes through a fork of it
 * (no transaction context: the service's own connection).
 */
const NOTE_MIGRATIONS = {
  '20250104_d4_create_scan_notes.ts': `export default {
  revision: 'd4',
  downRevision: 'c3',
  async up(op) { await op.execute('CREATE TABLE "ScanNote" ("id" INTEGER PRIMARY KEY, "scanId" INTEGER NOT NULL, "noteText" VARCHAR(255) NOT NULL)'); },
  async down(op) { await op.execute('DROP TABLE "ScanNote"'); },
};
`,
  'Migration20250105000000.ts': `import { Migration } from '@mikro-orm/migrations';

import { Scan, ScanNote } from '../../entities.ts';

export class Migration20250105000000 extends Migration {
  static revision = 'e5';
  static downRevision = 'd4';

  async up() {
    const em = this.getEntityManager();
    for (const scan of await em.find(Scan, {}, { orderBy: { id: 'asc' } })) {
      em.create(ScanNote, { scanId: scan.id, noteText: \`first scan of \${scan.account}\` });
    }
    await em.flush();
    // What the flush wrote is in this revision's transaction.
    const [{ notes }] = await this.execute('select count(*) as notes from "ScanNote"');
    this.addSql(\`insert into applied_log (revision, pid) values ('e5 saw \${notes} notes', \${process.pid})\`);
    if (process.env.E5_MODE === 'fail-after-flush') this.addSql('insert into no_such_table values (1)');
    if (process.env.E5_MODE === 'outside-the-transaction') {
      const outside = em.fork();
      outside.create(ScanNote, { scanId: 1, noteText: 'outside' });
      await outside.flush();
    }
  }

  async down() {
    this.addSql('delete from "ScanNote"');
  }
}
`,
};

/**
 * The service: it migrates to d4, adds two scans through its ORM, migrates the rest with
 * \`orm.migrator.up()\`, then writes and reads notes through its own EntityManager. Its last
 * line reports what it saw, and whether its entities' prototypes (\`__meta\`) and its
 * metadata are the objects they were before \`up()\`.
 */
const NOTE_SERVICE = `import { EntityCaseNamingStrategy, MikroORM } from '@mikro-orm/sqlite';
import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-sqlite/mikro-orm';

import { Scan, ScanNote } from './entities.ts';

const orm = await MikroORM.init({
  dbName: 'app.db',
  entities: [Scan, ScanNote],
  namingStrategy: EntityCaseNamingStrategy,
  // better-sqlite3 waits 5 s for a lock by default: a write of this connection that meets the migration's fails sooner.
  driverOptions: { timeout: 200 },
  extensions: [cgmigrateMigrator()],
  logger: () => {},
});
await orm.migrator.up({ to: 'd4' });
const seed = orm.em.fork();
seed.create(Scan, { account: 'acme' });
seed.create(Scan, { account: 'globex' });
await seed.flush();

const entities = [Scan, ScanNote];
const decorations = () => entities.map((entity) => (entity.meta.class as any).prototype.__meta);
const metadata = () => entities.map((entity) => orm.getMetadata().get(entity));
const before = { decorations: decorations(), metadata: metadata() };
let failure: { code: string; cause: string } | undefined;
try {
  await orm.migrator.up();
} catch (error: any) {
  failure = { code: error.code, cause: String(error.cause?.message ?? error.cause) };
}

const em = orm.em.fork();
em.create(ScanNote, { scanId: 2, noteText: 'by the service' });
await em.flush();
const notes = await orm.em.fork().find(ScanNote, {}, { orderBy: { id: 'asc' } });
console.log(JSON.stringify({
  failure,
  notes: notes.map((note) => \`\${note.scanId}: \${note.noteText}\`),
  prototypesUntouched: decorations().every((meta, i) => meta === before.decorations[i]),
  metadataUntouched: metadata().every((meta, i) => meta === before.metadata[i]),
}));
await orm.close();
`;

interface NoteServiceReport {
  readonly failure?: { readonly code: string; readonly cause: string };
  readonly notes: readonly string[];
  readonly prototypesUntouched: boolean;
  readonly metadataUntouched: boolean;
}

/** Runs the notes service in a project of its own (a process of its own: its classes are decorated there only). */
async function runNoteService(mode?: 'fail-after-flush' | 'outside-the-transaction'): Promise<{ dir: string; report: NoteServiceReport }> {
  const dir = project({ entities: NOTE_ENTITIES, cgmigrateConfig: NOTE_CGMIGRATE_CONFIG, migrations: NOTE_MIGRATIONS, service: NOTE_SERVICE });
  const service = await run(process.execPath, ['service.ts'], dir, mode === undefined ? {} : { E5_MODE: mode });
  expect(service.code, service.stderr).toBe(0);
  return { dir, report: JSON.parse(service.stdout.trim().split('\n').at(-1)!) as NoteServiceReport };
}

/** MikroORM in this process on `<dir>/<file>`, with cgmigrate's migrator looking in `dir`. */
async function startOrm(dir: string, file = 'app.db', extensions: unknown[] = [cgmigrateMigrator({ cwd: dir })]): Promise<MikroORM> {
  const orm = await MikroORM.init({ dbName: path.join(dir, file), entities: [Scan], extensions: extensions as never, debug: false, logger: () => {} });
  afterTest(() => orm.close(true));
  return orm;
}

describe('orm.migrator through cgmigrate on SQLite', () => {
  it('at start-up, orm.migrator.up() applies on the ORM\'s own file what `cgmigrate upgrade head` applies', async () => {
    const dir = project();
    const orm = await startOrm(dir);
    expect(await orm.migrator.getPending()).toEqual([
      { name: 'a1', path: path.join(dir, 'migrations/versions/20250101_a1_create_scans.ts') },
      { name: 'b2', path: path.join(dir, 'migrations/versions/20250102_b2_add_findings.ts') },
      { name: 'c3', path: path.join(dir, 'migrations/versions/20250103_c3_add_tags.ts') },
    ]);
    expect(await orm.migrator.getExecuted()).toEqual([]);

    const applied = await orm.migrator.up();
    expect(applied.map((migration) => migration.name)).toEqual(['a1', 'b2', 'c3']);
    // The ORM sees the tables: the migrated file is its own.
    await orm.em.fork().insert(Scan, { account: 'acme' });
    expect(await orm.em.fork().count(Scan)).toBe(1);

    const cli = await run(process.execPath, [CGMIGRATE, 'upgrade', 'head', '--url', 'sqlite:///cli.db'], dir);
    expect(cli.code, cli.stderr).toBe(0);
    const app = path.join(dir, 'app.db');
    const other = path.join(dir, 'cli.db');
    expect(versionRows(app)).toEqual(['c3']);
    expect(versionRows(app)).toEqual(versionRows(other));
    expect(auditSteps(app)).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3']);
    expect(auditSteps(app)).toEqual(auditSteps(other));
    expect(tables(app)).toEqual(tables(other));
    expect(tables(app)).not.toContain('mikro_orm_migrations');

    const executed = await orm.migrator.getExecuted();
    // Each row also carries its revision and file, beside MikroORM's id, name and executed_at.
    expect(executed).toMatchObject([
      { id: 1, name: 'a1', revision: 'a1', path: path.join(dir, 'migrations/versions/20250101_a1_create_scans.ts') },
      { id: 2, name: 'b2', revision: 'b2' },
      { id: 3, name: 'c3', revision: 'c3' },
    ]);
    for (const row of executed) expect(row.executed_at).toBeInstanceOf(Date);
    expect(executed[0]!.executed_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await orm.migrator.getPending()).toEqual([]);
    expect(await orm.migrator.up()).toEqual([]);
  });

  it('down() reverts the last migration, down({ to }) down to a revision, a name that revision, down({ to: 0 }) everything; up({ to }) up to one', async () => {
    const dir = project();
    const orm = await startOrm(dir);
    const app = path.join(dir, 'app.db');
    const events: string[] = [];
    orm.migrator.on('reverting', ({ name }) => void events.push(`reverting ${name}`));
    orm.migrator.on('reverted', ({ name }) => void events.push(`reverted ${name}`));
    orm.migrator.on('migrated', async ({ name }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`migrated ${name}`);
    });

    expect((await orm.migrator.up({ to: 'b2' })).map((m) => m.name)).toEqual(['a1', 'b2']);
    expect(versionRows(app)).toEqual(['b2']);
    expect((await orm.migrator.up()).map((m) => m.name)).toEqual(['c3']);

    expect(await orm.migrator.down()).toEqual([{ name: 'c3', path: path.join(dir, 'migrations/versions/20250103_c3_add_tags.ts') }]);
    expect(versionRows(app)).toEqual(['b2']);
    expect((await orm.migrator.getPending()).map((m) => m.name)).toEqual(['c3']);

    await orm.migrator.up();
    expect((await orm.migrator.down({ to: 'a1' })).map((m) => m.name)).toEqual(['c3', 'b2']);
    expect(versionRows(app)).toEqual(['a1']);

    await orm.migrator.up();
    // A name reverts that migration and what is applied on top of it.
    expect((await orm.migrator.down('b2')).map((m) => m.name)).toEqual(['c3', 'b2']);
    expect((await orm.migrator.down({ to: 0 })).map((m) => m.name)).toEqual(['a1']);
    expect(versionRows(app)).toEqual([]);
    expect(tables(app)).toEqual(['alembic_version', 'cgmigrate_audit']);
    expect(await orm.migrator.down()).toEqual([]);

    expect(events).toEqual([
      'migrated a1', 'migrated b2', 'migrated c3',
      'reverting c3', 'reverted c3',
      'migrated c3', 'reverting c3', 'reverted c3', 'reverting b2', 'reverted b2',
      'migrated b2', 'migrated c3', 'reverting c3', 'reverted c3', 'reverting b2', 'reverted b2',
      'reverting a1', 'reverted a1',
    ]);
  });

  it('two services started together apply each migration once', async () => {
    const dir = project({ service: serviceBlock!.body });
    const start = () => run(process.execPath, ['service.ts'], dir, { PAUSE_MS: '1500' });
    const services = await Promise.all([start(), start()]);
    for (const service of services) expect(service.code, service.stderr).toBe(0);
    // They met: the second waited for the first's lock, and said so through the ORM's logger.
    expect(services.map((service) => service.stdout).join('\n')).toMatch(/Waiting for the migration lock, held by pid \d+/);
    // One applied everything; the other found nothing left to do.
    const appliedLines = services.map((service) => service.stdout.match(/Applied '\w+'/g) ?? []);
    expect(appliedLines.sort((a, b) => a.length - b.length)).toEqual([[], ["Applied 'a1'", "Applied 'b2'", "Applied 'c3'"]]);
    const app = path.join(dir, 'app.db');
    expect(appliedLog(app).map((row) => row.revision)).toEqual(['a1', 'b2', 'c3']);
    expect(new Set(appliedLog(app).map((row) => row.pid)).size).toBe(1);
    expect(auditSteps(app)).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3']);
    expect(versionRows(app)).toEqual(['c3']);
  });

  it('is the ORM\'s Migrator for MikroORM.init(), which then adds none of its own, and refuses MikroORM\'s beside it', async () => {
    const dir = project();
    const orm = await startOrm(dir);
    expect(orm.migrator.constructor.name).toBe('CgmigrateMigrator');
    expect(orm.config.get('extensions').filter((extension) => (extension as { name?: string }).name === 'Migrator')).toHaveLength(1);

    for (const extensions of [[cgmigrateMigrator({ cwd: dir }), Migrator], [Migrator, cgmigrateMigrator({ cwd: dir })]]) {
      await expect(startOrm(dir, 'other.db', extensions)).rejects.toMatchObject({ code: 'CONFIG_INVALID', key: 'extensions' });
    }
  });

  it('migrates the config\'s URL when it gives one, and says so when that is not the ORM\'s database', async () => {
    const dir = project({ cgmigrateConfig: "export default { scriptLocation: 'migrations', url: 'sqlite:///configured.db' };\n" });
    const warnings: string[] = [];
    const orm = await MikroORM.init({
      dbName: path.join(dir, 'app.db'),
      entities: [Scan],
      extensions: [cgmigrateMigrator({ cwd: dir })],
      logger: (line) => void warnings.push(line),
    });
    afterTest(() => orm.close(true));
    await orm.migrator.up();
    expect(versionRows(path.join(dir, 'configured.db'))).toEqual(['c3']);
    expect(warnings.join('\n')).toContain(`cgmigrate migrates sqlite:///configured.db, while this ORM connects to sqlite:///${path.join(dir, 'app.db')}`);
  });

  it('refuses what the revision graph has no counterpart for, with cgmigrate\'s typed errors, changing nothing', async () => {
    const dir = project();
    const orm = await startOrm(dir);
    await expect(orm.migrator.rollup()).rejects.toMatchObject({ code: 'MIGRATOR_CALL_NOT_SUPPORTED', call: 'orm.migrator.rollup()' });
    await expect(orm.migrator.up({ from: 'a1' })).rejects.toMatchObject({ code: 'MIGRATOR_CALL_NOT_SUPPORTED' });
    await expect(orm.migrator.logMigration('b2')).rejects.toMatchObject({
      code: 'MIGRATOR_CALL_NOT_SUPPORTED',
      instead: 'log a1 first, or run `cgmigrate stamp b2` to record b2 and every revision below it as applied',
    });
    await expect(orm.migrator.up('zz')).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'zz' });
    // Not even the file: the reads before a change use a connection that creates nothing.
    expect(existsSync(path.join(dir, 'app.db'))).toBe(false);

    // logMigration/unlogMigration: stamps, where one revision moves alone.
    await orm.migrator.logMigration('a1');
    expect(versionRows(path.join(dir, 'app.db'))).toEqual(['a1']);
    await orm.migrator.logMigration('b2.ts');
    expect((await orm.migrator.getExecuted()).map((row) => row.name)).toEqual(['a1', 'b2']);
    await expect(orm.migrator.unlogMigration('a1')).rejects.toMatchObject({ code: 'MIGRATOR_CALL_NOT_SUPPORTED', instead: 'unlog b2 first' });
    await orm.migrator.unlogMigration('b2');
    expect(versionRows(path.join(dir, 'app.db'))).toEqual(['a1']);
  });

  it('runs a MikroORM migration class as a revision, by the name MikroORM gave it', async () => {
    const dir = project({ migrations: CLASS_MIGRATION });
    const orm = await startOrm(dir);
    const classFile = path.join(dir, 'migrations/versions/Migration20250104000000.ts');
    expect((await orm.migrator.getPending()).at(-1)).toEqual({ name: 'Migration20250104000000', path: classFile });
    expect((await orm.migrator.up()).map((migration) => migration.name)).toEqual(['a1', 'b2', 'c3', 'Migration20250104000000']);
    const app = path.join(dir, 'app.db');
    expect(versionRows(app)).toEqual(['20250104000000']);
    expect(tables(app)).toContain('reports');
    expect((await orm.migrator.getExecuted()).at(-1)).toMatchObject({ id: 4, name: 'Migration20250104000000', revision: '20250104000000', path: classFile });

    expect(await orm.migrator.down('Migration20250104000000.ts')).toEqual([{ name: 'Migration20250104000000', path: classFile }]);
    expect(tables(app)).not.toContain('reports');
    // MikroORM's bare timestamp names the class too.
    expect((await orm.migrator.up({ to: '20250104000000' })).map((migration) => migration.name)).toEqual(['Migration20250104000000']);
    expect(appliedLog(app).map((row) => row.revision)).toEqual(['a1', 'b2', 'c3', '20250104000000']);
  });

  it('checkSchema() and create() compare the ORM\'s entities with the database, as `cgmigrate check` and `revision --autogenerate` do', async () => {
    const dir = project({ cgmigrateConfig: "export default { scriptLocation: 'migrations', includeTables: ['scans'] };\n" });
    const orm = await startOrm(dir);
    await expect(orm.migrator.checkSchema()).rejects.toMatchObject({ code: 'DB_NOT_UP_TO_DATE' });
    await orm.migrator.up();
    expect(await orm.migrator.checkSchema()).toBe(true);

    // MikroORM's migration:create writes MikroORM's class, as its own generator would.
    const created = await orm.migrator.create(undefined, false, false, 'Align scans');
    expect(created.fileName).toMatch(/migrations\/versions\/Migration\d{14}_align_scans\.ts$/);
    expect(created.code).toMatch(/export class Migration\d{14}_align_scans extends Migration \{\n\n {2}static revision = '[0-9a-f]+';/);
    expect(created.code).toContain("static message = 'Align scans';");
    expect(created.diff.up.join('\n')).toContain("Detected changed column 'scans.id'");
    expect(await orm.migrator.getPending()).toHaveLength(1);
    await orm.migrator.up();
    expect(await orm.migrator.checkSchema()).toBe(false);
    expect(await orm.migrator.create()).toEqual({ fileName: '', code: '', diff: { up: [], down: [] } });

    const blank = await orm.migrator.create(undefined, true);
    expect(blank.fileName).toMatch(/versions\/Migration\d{14}\.ts$/);
    expect(blank.code).toContain('this.addSql(`select 1`);');
    const templated = await startOrm(dir, 'app.db', [cgmigrateMigrator({ cwd: dir, revisionFormat: 'cgmigrate' })]);
    const ours = await templated.migrator.create(undefined, true);
    expect(ours.fileName).toMatch(/versions\/\d{8}_[0-9a-f]+_migration\d{14}\.ts$/);
    expect(ours.code).toMatch(/message: 'Migration\d{14}'/);
    await expect(orm.migrator.create('./elsewhere')).rejects.toMatchObject({ code: 'MIGRATOR_CALL_NOT_SUPPORTED' });
  });

  it('runs a class\'s getEntityManager() on the service\'s own ORM: its naming strategy, the step\'s transaction, its entities left as they were', async () => {
    const { dir, report } = await runNoteService();
    expect(report).toEqual({
      notes: ['1: first scan of acme', '2: first scan of globex', '2: by the service'],
      prototypesUntouched: true,
      metadataUntouched: true,
    });
    const app = path.join(dir, 'app.db');
    expect(versionRows(app)).toEqual(['e5']);
    expect(appliedLog(app).map((row) => row.revision)).toEqual(['a1', 'b2', 'c3', 'e5 saw 2 notes']);
  });

  it('rolls back what the EntityManager flushed when a later statement of the revision fails', async () => {
    const { dir, report } = await runNoteService('fail-after-flush');
    expect(report.failure).toMatchObject({ code: 'MIGRATION_FAILED', cause: expect.stringContaining('no such table: no_such_table') });
    expect(report.notes).toEqual(['2: by the service']);
    expect(report).toMatchObject({ prototypesUntouched: true, metadataUntouched: true });
    const app = path.join(dir, 'app.db');
    expect(versionRows(app)).toEqual(['d4']);
    expect(appliedLog(app).map((row) => row.revision)).toEqual(['a1', 'b2', 'c3']);
  });

  it('a write outside the transaction context (em.fork()) goes to the service\'s own connection, which SQLite keeps out while the revision writes', async () => {
    const { dir, report } = await runNoteService('outside-the-transaction');
    expect(report.failure).toMatchObject({ code: 'MIGRATION_FAILED', cause: expect.stringContaining('database is locked') });
    expect(report.notes).toEqual(['2: by the service']);
    expect(versionRows(path.join(dir, 'app.db'))).toEqual(['d4']);
  });

  it('refuses an in-memory ORM database when cgmigrate has no URL of its own', async () => {
    const dir = project();
    const orm = await MikroORM.init({ dbName: ':memory:', entities: [Scan], extensions: [cgmigrateMigrator({ cwd: dir })], logger: () => {} });
    afterTest(() => orm.close(true));
    await expect(orm.migrator.up()).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('in memory') });
  });
});

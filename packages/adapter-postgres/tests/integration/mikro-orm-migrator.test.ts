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

/**
 * A service with an entity of its own mapping: ScanNote, under the service's naming strategy
 * (EntityCaseNamingStrategy), is table "ScanNote" with columns "scanId" and "noteText", where
 * MikroORM's default strategy would look for scan_note, scan_id and note_text.
 */
const NOTE_ENTITIES = `import { defineEntity, p } from '@mikro-orm/postgresql';

export const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });
export const ScanNote = defineEntity({ name: 'ScanNote', properties: { id: p.integer().primary(), scanId: p.integer(), noteText: p.string() } });
`;

/** cgmigrate's config lists the service's own entity classes, as one that autogenerates does. */
const NOTE_CGMIGRATE_CONFIG = `import { Scan, ScanNote } from './entities.ts';

export default { scriptLocation: 'migrations', entities: [Scan, ScanNote] };
`;

/**
 * d4 creates the notes table; e5, a MikroORM class, writes a note per scan through its
 * EntityManager, and with `E5_MODE` fails after its flush, or also writes through a fork of it
 * (no transaction context: the service's own pool) before failing.
 */
const NOTE_MIGRATIONS = {
  '20250104_d4_create_scan_notes.ts': `export default {
  revision: 'd4',
  downRevision: 'c3',
  async up(op) { await op.execute('CREATE TABLE "ScanNote" ("id" SERIAL PRIMARY KEY, "scanId" INTEGER NOT NULL, "noteText" VARCHAR(255) NOT NULL)'); },
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
    if (process.env.E5_MODE === 'outside-the-transaction') {
      const outside = em.fork();
      outside.create(ScanNote, { scanId: 1, noteText: 'outside' });
      await outside.flush();
    }
    if (process.env.E5_MODE !== undefined) this.addSql('insert into no_such_table values (1)');
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
const NOTE_SERVICE = `import { EntityCaseNamingStrategy, MikroORM } from '@mikro-orm/postgresql';
import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-postgres/mikro-orm';

import { Scan, ScanNote } from './entities.ts';

const orm = await MikroORM.init({
  clientUrl: process.env.ORM_URL,
  entities: [Scan, ScanNote],
  namingStrategy: EntityCaseNamingStrategy,
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

/** Runs the notes service on the test's database (a process of its own: its classes are decorated there only). */
async function runNoteService(mode?: 'fail-after-flush' | 'outside-the-transaction'): Promise<NoteServiceReport> {
  const dir = ormProject({ entities: NOTE_ENTITIES, cgmigrateConfig: NOTE_CGMIGRATE_CONFIG, migrations: NOTE_MIGRATIONS, service: NOTE_SERVICE });
  const service = await run(process.execPath, ['service.ts'], dir, { ORM_URL: url(), ...(mode === undefined ? {} : { E5_MODE: mode }) });
  expect(service.code, service.stderr).toBe(0);
  return JSON.parse(service.stdout.trim().split('\n').at(-1)!) as NoteServiceReport;
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

  it('runs a class\'s getEntityManager() on the service\'s own ORM: its naming strategy, the step\'s transaction, its entities left as they were', async () => {
    expect(await runNoteService()).toEqual({
      notes: ['1: first scan of acme', '2: first scan of globex', '2: by the service'],
      prototypesUntouched: true,
      metadataUntouched: true,
    });
    expect(await versionRows(url())).toEqual(['e5']);
    const logged = await queryTestDatabase<{ revision: string }>(url(), "SELECT revision FROM applied_log WHERE revision LIKE 'e5%'");
    expect(logged.map((row) => row.revision)).toEqual(['e5 saw 2 notes']);
  });

  it('rolls back what the EntityManager flushed when a later statement of the revision fails', async () => {
    const report = await runNoteService('fail-after-flush');
    expect(report.failure).toMatchObject({ code: 'MIGRATION_FAILED', cause: expect.stringContaining('relation "no_such_table" does not exist') });
    expect(report.notes).toEqual(['2: by the service']);
    expect(report).toMatchObject({ prototypesUntouched: true, metadataUntouched: true });
    expect(await versionRows(url())).toEqual(['d4']);
  });

  it('a write outside the transaction context (em.fork()) commits on the service\'s own pool: the revision\'s failure does not roll it back', async () => {
    const report = await runNoteService('outside-the-transaction');
    expect(report.failure).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(report.notes).toEqual(['1: outside', '2: by the service']);
    expect(await versionRows(url())).toEqual(['d4']);
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

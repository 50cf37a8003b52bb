import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { MigrationClassFileRequest } from '@cloudguard/migrate-core/adapter';
import { Configuration, UnderscoreNamingStrategy, type MigrationsOptions } from '@mikro-orm/core';
import { TSMigrationGenerator } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { afterAll, describe, expect, it } from 'vitest';

import { renderMikroOrmMigrationFile } from '../../src/mikro-orm/index.js';

/** Statements that exercise the generator's escaping: backticks, `${`, backslashes, quotes, a line break. */
const UP = [
  'create table `scan` (`id` integer not null primary key autoincrement, `label` text not null default \'n/a\')',
  "create trigger `scan_label` after insert on `scan` begin\n  update `scan` set `label` = 'C:\\temp ${HOME} $1' where `id` = new.`id`;\nend",
  'create index `scan_label_index` on `scan` (`label`)',
];
const DOWN = ['drop index `scan_label_index`', 'drop table `scan`'];

const REQUEST: MigrationClassFileRequest = {
  revision: '1f0c3a9b2d4e',
  downRevisions: ['9a8b7c6d5e4f'],
  branchLabels: [],
  dependsOn: [],
  createDate: new Date('2024-11-16T00:00:01.250Z'),
  up: UP,
  down: DOWN,
  notes: [],
};

/** What MikroORM's own generator writes for the same class name and statements. */
function mikroOrmWrites(className: string, diff: { up: readonly string[]; down: readonly string[] }): string {
  const generator = new TSMigrationGenerator(undefined as unknown as AbstractSqlDriver, new UnderscoreNamingStrategy(), {} as MigrationsOptions);
  return generator.generateMigrationFile(className, { up: [...diff.up], down: [...diff.down] });
}

/** The file without the lines of its static members and the blank line after them. */
function withoutStatics(source: string): string {
  return source.replace(/^(export class .*\{\n\n)(?: {2}static .*\n)+\n/m, '$1');
}

/** Where the rendered files are imported from: inside the package, so that `@mikro-orm/migrations` resolves. */
const IMPORT_DIR = mkdtempSync(path.join(fileURLToPath(new URL('.', import.meta.url)), '.rendered-'));
afterAll(() => rmSync(IMPORT_DIR, { recursive: true, force: true }));

describe('renderMikroOrmMigrationFile', () => {
  it("is MikroORM's TSMigrationGenerator's text, byte for byte, once the static members are taken out", async () => {
    const file = await renderMikroOrmMigrationFile(REQUEST);
    expect(withoutStatics(file.source)).toBe(mikroOrmWrites(file.className, REQUEST));
    expect(file.source).toMatchInlineSnapshot(`
      "import { Migration } from '@mikro-orm/migrations';

      export class Migration20241116000001 extends Migration {

        static revision = '1f0c3a9b2d4e';
        static downRevision = '9a8b7c6d5e4f';

        override name = 'Migration20241116000001';

        override up(): void | Promise<void> {
          this.addSql(\`create table \\\`scan\\\` (\\\`id\\\` integer not null primary key autoincrement, \\\`label\\\` text not null default 'n/a')\`);
          this.addSql(\`create trigger \\\`scan_label\\\` after insert on \\\`scan\\\` begin
        update \\\`scan\\\` set \\\`label\\\` = 'C:\\\\temp \\\${HOME} \\$1' where \\\`id\\\` = new.\\\`id\\\`;
      end\`);
          this.addSql(\`create index \\\`scan_label_index\\\` on \\\`scan\\\` (\\\`label\\\`)\`);
        }

        override down(): void | Promise<void> {
          this.addSql(\`drop index \\\`scan_label_index\\\`\`);
          this.addSql(\`drop table \\\`scan\\\`\`);
        }

      }
      "
    `);
  });

  it("names the class and the file as MikroORM's migration:create does, with and without a name", async () => {
    const defaults = new Configuration({}, false).get('migrations') as Required<MigrationsOptions>;
    const naming = new UnderscoreNamingStrategy();
    for (const name of [undefined, 'add_scan_duration']) {
      const file = await renderMikroOrmMigrationFile({ ...REQUEST, name });
      expect(file.className).toBe(naming.classToMigrationName('20241116000001', name));
      expect(file.fileName).toBe(`${defaults.fileName('20241116000001', name)}.ts`);
    }
    expect((await renderMikroOrmMigrationFile({ ...REQUEST, name: 'add_scan_duration' })).fileName).toBe('Migration20241116000001_add_scan_duration.ts');
  });

  it('writes every graph field and the message as static members, lists as the revision template does', async () => {
    const file = await renderMikroOrmMigrationFile({
      ...REQUEST,
      downRevisions: ['a1', 'b2'],
      branchLabels: ['reporting'],
      dependsOn: ['c3', 'd4'],
      message: "Merge the scan's branches \\ both",
    });
    expect(file.source).toContain(
      [
        'export class Migration20241116000001 extends Migration {',
        '',
        "  static revision = '1f0c3a9b2d4e';",
        "  static downRevision = ['a1', 'b2'];",
        "  static branchLabels = 'reporting';",
        "  static dependsOn = ['c3', 'd4'];",
        "  static message = 'Merge the scan\\'s branches \\\\ both';",
        '',
        "  override name = 'Migration20241116000001';",
      ].join('\n'),
    );
    const root = await renderMikroOrmMigrationFile({ ...REQUEST, downRevisions: [] });
    expect(root.source).toContain('  static downRevision = null;\n');
    expect(root.source).not.toContain('static message');
  });

  it("writes migration:create --blank's migration when there are no statements, and leaves down() out when only it has none", async () => {
    const blank = await renderMikroOrmMigrationFile({ ...REQUEST, up: [], down: [] });
    expect(withoutStatics(blank.source)).toBe(mikroOrmWrites(blank.className, { up: ['select 1'], down: ['select 1'] }));
    const upOnly = await renderMikroOrmMigrationFile({ ...REQUEST, down: [] });
    expect(withoutStatics(upOnly.source)).toBe(mikroOrmWrites(upOnly.className, { up: UP, down: [] }));
    expect(upOnly.source).not.toContain('down()');
  });

  it('writes the review notes as comments at the top of up()', async () => {
    const note = "Column 'scan.label' becomes NOT NULL: the rebuild fails if a row holds NULL in it; update those rows first before you run it.";
    const file = await renderMikroOrmMigrationFile({ ...REQUEST, notes: [note] });
    expect(file.source).toContain(
      [
        '  override up(): void | Promise<void> {',
        '    // REVIEW: cgmigrate autogenerate could not decide the following; check them before running this migration.',
        "    // - Column 'scan.label' becomes NOT NULL: the rebuild fails if a row holds NULL in it; update those rows",
        '    //   first before you run it.',
        '    this.addSql(`create table',
      ].join('\n'),
    );
    expect(withoutStatics(file.source).replace(/^ {4}\/\/.*\n/gm, '')).toBe(mikroOrmWrites(file.className, REQUEST));
  });

  it('is a module whose class carries the statics and adds exactly the statements it was given', async () => {
    const file = await renderMikroOrmMigrationFile({ ...REQUEST, message: 'Create scans', dependsOn: ['c3'] });
    const written = path.join(IMPORT_DIR, file.fileName);
    writeFileSync(written, file.source);
    const module = (await import(pathToFileURL(written).href)) as Record<string, unknown>;
    type Loaded = (new (driver: unknown, config: unknown) => { up(): Promise<void> | void; down(): Promise<void> | void; getQueries(): unknown[]; reset(): void }) &
      Record<string, unknown>;
    const migrationClass = module[file.className] as Loaded;
    expect({ ...migrationClass }).toEqual({ revision: '1f0c3a9b2d4e', downRevision: '9a8b7c6d5e4f', dependsOn: 'c3', message: 'Create scans' });
    const migration = new migrationClass(undefined, undefined);
    await migration.up();
    expect(migration.getQueries()).toEqual(UP);
    migration.reset();
    await migration.down();
    expect(migration.getQueries()).toEqual(DOWN);
  });
});

import { describe, expect, it } from 'vitest';
import { isMigrateError, MalformedMigrationError } from '../../src/errors.js';
import { parseMigrationHeader } from '../../src/script/migration-header.js';

const FILE = '/app/migrations/versions/Migration20241116000001.ts';

/** What MikroORM's `migration:create` writes, with the two statics cgmigrate needs. */
const MIKRO_ORM_CLASS = `import { Migration } from '@mikro-orm/migrations';

export class Migration20241116000001 extends Migration {
  static revision = '1f0c3a9b2d4e';
  static downRevision = null;

  override async up(): Promise<void> {
    this.addSql(\`create table "scan" ("id" serial primary key, "static revision = 'no'" text);\`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "scan" cascade;');
  }
}
`;

/** The error `parseMigrationHeader` throws for `source`. */
function malformed(source: string, file = FILE): MalformedMigrationError {
  try {
    parseMigrationHeader(source, file);
  } catch (error) {
    if (isMigrateError(error) && error instanceof MalformedMigrationError) return error;
    throw error;
  }
  throw new Error('expected MALFORMED_MIGRATION');
}

describe('parseMigrationHeader on a migration class', () => {
  it("reads MikroORM's class: its statics, and its name as the message", () => {
    expect(parseMigrationHeader(MIKRO_ORM_CLASS, FILE)).toEqual({
      revision: '1f0c3a9b2d4e',
      downRevision: null,
      branchLabels: undefined,
      dependsOn: undefined,
      message: 'Migration20241116000001',
    });
  });

  it('reads every header static, with modifiers, type annotations, `as const` and no semicolons', () => {
    const source = `
      import { Migration } from '@mikro-orm/migrations';
      export class AddScans extends Migration {
        public static readonly revision: string = "b2c3"
        static override downRevision:
          | string
          | readonly string[]
          | null = ['a1', 'a2']
        static branchLabels = 'scans' as const
        protected static dependsOn: readonly string[] = [\`d4\`];
        static message = 'Add \\'scans\\'' satisfies string
        static transactional = false;
        async up() { this.addSql('select 1'); }
      }`;
    expect(parseMigrationHeader(source, FILE)).toEqual({
      revision: 'b2c3',
      downRevision: ['a1', 'a2'],
      branchLabels: 'scans',
      dependsOn: ['d4'],
      message: "Add 'scans'",
    });
  });

  it('reads a default-exported class, named or anonymous (then named after its file)', () => {
    const named = `export default class AddIndex extends Migration {\n  static revision = 'c3';\n  static downRevision = 'b2';\n}\n`;
    expect(parseMigrationHeader(named, FILE)?.message).toBe('AddIndex');
    const anonymous = `import { Migration } from '@mikro-orm/migrations';\nexport default class extends Migration {\n  static revision = 'c3';\n  static downRevision = 'b2';\n}\n`;
    expect(parseMigrationHeader(anonymous, '/app/migrations/versions/0003_add_index.mts')).toMatchObject({
      revision: 'c3',
      downRevision: 'b2',
      message: '0003_add_index',
    });
  });

  it('reads only static members at the top level of the class body', () => {
    const source = `
      // static revision = 'commented';
      export class Migration3 extends Migration {
        /* static downRevision = 'commented' */
        revision = 'instance';
        static helper = { revision: 'nested', downRevision: 'nested' };
        static revisionOf(id: string) { return { static: id }; }
        static {
          const inner = class { static revision = 'in a static block'; };
        }
        async up() {
          const Inner = class extends Migration { static revision = 'inner'; static downRevision = 'inner'; };
        }
        static revision = 'r3';
        static 'downRevision' = 'r2';
      }`;
    expect(parseMigrationHeader(source, FILE)).toMatchObject({ revision: 'r3', downRevision: 'r2', message: 'Migration3' });
  });

  it('takes the default-exported class over named ones, and ignores exported classes that extend nothing', () => {
    const withDefault = `
      export class Helper extends Base { static revision = 'no'; static downRevision = null; }
      export default class Main extends Migration { static revision = 'yes'; static downRevision = null; }`;
    expect(parseMigrationHeader(withDefault, FILE)?.revision).toBe('yes');
    const withPlainHelper = `
      export class Names { static table = 'scan'; }
      export class Migration4 extends Migration { static revision = 'r4'; static downRevision = null; }`;
    expect(parseMigrationHeader(withPlainHelper, FILE)?.message).toBe('Migration4');
  });

  it('leaves object-form files as they were: the default export object wins, and a non-literal one falls back to import', () => {
    const objectAndClass = `
      export class Helper extends Base { static revision = 'class'; static downRevision = null; }
      export default { revision: 'object', downRevision: null, up() {} };`;
    expect(parseMigrationHeader(objectAndClass, FILE)?.revision).toBe('object');
    const exportedLater = `
      export class Helper extends Base {}
      const migration = { revision: 'object', downRevision: null, up() {} };
      export default migration;`;
    expect(parseMigrationHeader(exportedLater, FILE)).toBeUndefined();
    expect(parseMigrationHeader(`export default { revision: id, downRevision: null, up() {} };`, FILE)).toBeUndefined();
  });

  it('gives MALFORMED_MIGRATION, naming the file and the class, when a class misses revision or downRevision', () => {
    const noRevision = malformed(`export class Migration5 extends Migration {\n  static downRevision = null;\n}`);
    expect(noRevision).toMatchObject({ code: 'MALFORMED_MIGRATION', path: FILE, migrationClass: 'Migration5' });
    expect(noRevision.message).toBe(
      `Malformed migration ${FILE}: its class Migration5 has no \`static revision\`: a migration class declares its revision id there, as a string literal`,
    );
    expect(malformed(`export class Migration5 extends Migration {\n  static revision = 'r5';\n}`).problem).toBe(
      'its class Migration5 has no `static downRevision`: the revision(s) it follows, or null for the first revision',
    );
    expect(malformed(`export class Migration5 extends Migration {\n  static revision: string;\n  static downRevision = null;\n}`).problem).toBe(
      'its class Migration5 declares `static revision` without a value',
    );
  });

  it('gives MALFORMED_MIGRATION naming the member when a header static is not a literal, without falling back to import', () => {
    const notLiteral = (member: string): string =>
      malformed(`export class Migration6 extends Migration {\n  static revision = 'r6';\n  static downRevision = null;\n  ${member}\n}`).problem;
    const because = 'to something other than a literal (a string, null, or an array of strings), and cgmigrate reads it without importing the file';
    expect(notLiteral(`static revision = ID;`)).toBe(`its class Migration6 sets \`static revision\` ${because}`);
    expect(notLiteral(`static revision = 'r' + suffix;`)).toBe(`its class Migration6 sets \`static revision\` ${because}`);
    expect(notLiteral(`static downRevision = ['a1', PARENT];`)).toBe(`its class Migration6 sets \`static downRevision\` ${because}`);
    expect(notLiteral('static branchLabels = `${team}_scans`;')).toBe(`its class Migration6 sets \`static branchLabels\` ${because}`);
    expect(notLiteral(`static get dependsOn() { return ['d1']; }`)).toBe(`its class Migration6 sets \`static dependsOn\` ${because}`);
    expect(notLiteral(`static message = describe('scans');`)).toBe(`its class Migration6 sets \`static message\` ${because}`);
    expect(notLiteral(`static downRevision = true;`)).toBe(
      'its class Migration6 sets `static downRevision` to true, not a revision id, a list of them, or null',
    );
    expect(notLiteral(`static revision = null;`)).toBe('its class Migration6 sets `static revision` to something other than a string literal');
  });

  it('gives MALFORMED_MIGRATION listing the classes when several are exported and none is the default', () => {
    const source = `
      export class Migration7a extends Migration { static revision = 'a'; static downRevision = null; }
      export class Migration7b extends Migration { static revision = 'b'; static downRevision = 'a'; }`;
    expect(malformed(source).problem).toBe(
      'it exports several classes (Migration7a, Migration7b) and no default export, so which one is the migration is ambiguous: export only the migration class, make it the default export, or give only it a static revision',
    );
  });

  it('takes, of several exported classes, the one that declares its revision (a helper class beside it is not a migration)', () => {
    const source = `
      export class ScanBackfill extends Base { static batchSize = 500; }
      export class Migration7 extends Migration { static revision = 'c7'; static downRevision = null; }`;
    expect(parseMigrationHeader(source, FILE)).toMatchObject({ revision: 'c7', message: 'Migration7' });
  });
});

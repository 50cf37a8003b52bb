/**
 * The one edit adopting a MikroORM migration makes: `static revision` and
 * `static downRevision` as the first members of the class MikroORM runs, the rest of the
 * file byte for byte.
 */
import { describe, expect, it } from 'vitest';

import { adoptedRevisionId, annotateMigrationClass, readMigrationClassStatics } from '../../src/mikro-orm/index.js';

/** A file as MikroORM 7's `migration:create` writes it (TSMigrationGenerator). */
const GENERATED = `import { Migration } from '@mikro-orm/migrations';

export class Migration20241116000001 extends Migration {

  override name = 'Migration20241116000001';

  override up(): void | Promise<void> {
    this.addSql(\`create table \\\`author\\\` (\\\`id\\\` integer not null primary key autoincrement, \\\`name\\\` text not null);\`);
  }

  override down(): void | Promise<void> {
    this.addSql(\`drop table if exists \\\`author\\\`;\`);
  }

}
`;

const FIRST = { revision: '1f0c3a9b2d4e', downRevision: null };

function annotated(source: string, statics: { revision: string; downRevision: string | null } = FIRST): string {
  const result = annotateMigrationClass(source, statics);
  if (result.kind !== 'annotated') throw new Error(`expected an annotation, got ${JSON.stringify(result)}`);
  return result.text;
}

describe('annotateMigrationClass', () => {
  it('adds the two statics as the first members of a generated class, indented like its body, and changes nothing else', () => {
    const text = annotated(GENERATED, { revision: '9a8b7c6d5e4f', downRevision: '1f0c3a9b2d4e' });
    expect(text).toBe(
      GENERATED.replace(
        'extends Migration {\n',
        "extends Migration {\n  static revision = '9a8b7c6d5e4f';\n  static downRevision = '1f0c3a9b2d4e';\n",
      ),
    );
  });

  it('writes null for a first revision', () => {
    expect(annotated(GENERATED)).toContain("  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n\n  override name");
  });

  it('annotates `export default class`, named or not', () => {
    const named = 'import { Migration } from "@mikro-orm/migrations";\n\nexport default class Migration20241116000001 extends Migration {\n    async up() {}\n}\n';
    expect(annotated(named)).toBe(named.replace('extends Migration {\n', "extends Migration {\n    static revision = '1f0c3a9b2d4e';\n    static downRevision = null;\n"));
    const anonymous = 'export default class extends Migration {\n  async up() {}\n}\n';
    const result = annotateMigrationClass(anonymous, FIRST);
    expect(result).toMatchObject({ kind: 'annotated', className: undefined });
  });

  it('finds the class behind comments and decorators, and is not misled by braces in comments, strings, templates and regular expressions', () => {
    const source = [
      '/**',
      ' * Adds authors. export class Fake extends Migration {',
      ' */',
      "// export class AlsoFake extends Migration { }",
      "const note = 'export class InString extends Migration {';",
      '@Reflect.metadata("kind", "migration")',
      'export class Migration20241116000001 extends Migration {',
      '  /* a comment first { */',
      '  override async up(): Promise<void> {',
      "    const pattern = /[{'\"]/g;",
      '    this.addSql(`insert into note (text) values (\'${"}"}\')`);',
      '  }',
      '}',
      '',
    ].join('\n');
    const text = annotated(source);
    expect(text).toContain("export class Migration20241116000001 extends Migration {\n  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n  /* a comment first { */");
    expect(text.replace("  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n", '')).toBe(source);
  });

  it('keeps CRLF line endings, and the tabs of a file indented with tabs', () => {
    const source = 'import { Migration } from "@mikro-orm/migrations";\r\n\r\nexport class M1 extends Migration {\r\n\tasync up() {\r\n\t\tthis.addSql("select 1");\r\n\t}\r\n}\r\n';
    const text = annotated(source, { revision: 'abc123', downRevision: 'def456' });
    expect(text).toBe(source.replace('extends Migration {\r\n', "extends Migration {\r\n\tstatic revision = 'abc123';\r\n\tstatic downRevision = 'def456';\r\n"));
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('gives an empty body, or one that goes on after its brace, lines of their own', () => {
    expect(annotated('export class M1 extends Migration {}\n')).toBe(
      "export class M1 extends Migration {\n  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n}\n",
    );
    expect(annotated('export class M1 extends Migration { async up() {}\n}\n')).toBe(
      "export class M1 extends Migration {\n  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n  async up() {}\n}\n",
    );
  });

  it('takes the class MikroORM would run when a file exports several: the first by export name', () => {
    const source = 'export class Zeta extends Migration {\n  async up() {}\n}\n\nexport class Alpha extends Migration {\n  async up() {}\n}\n';
    expect(annotateMigrationClass(source, FIRST)).toMatchObject({ kind: 'annotated', className: 'Alpha' });
  });

  it('leaves a class that already has these statics unchanged, and reports other values as found', () => {
    const text = annotated(GENERATED);
    expect(annotateMigrationClass(text, FIRST)).toEqual({ kind: 'unchanged', className: 'Migration20241116000001' });
    expect(annotateMigrationClass(text, { revision: '1f0c3a9b2d4e', downRevision: 'aaaaaaaaaaaa' })).toEqual({
      kind: 'different',
      found: { revision: "'1f0c3a9b2d4e'", downRevision: 'null' },
    });
  });

  it('never declares a static twice: one written with modifiers, without a value or not as a literal is found as it is', () => {
    const declared = (member: string) => annotateMigrationClass(`export class M1 extends Migration {\n  ${member}\n  async up() {}\n}\n`, FIRST);
    expect(declared("public static readonly revision = '1f0c3a9b2d4e';")).toMatchObject({ kind: 'different', found: { revision: "'1f0c3a9b2d4e'" } });
    expect(declared('static downRevision: string | null;')).toEqual({ kind: 'different', found: { revision: undefined, downRevision: '(no value)' } });
    expect(declared('static revision = prefix + "1f0c";')).toEqual({ kind: 'different', found: { revision: 'prefix + "1f0c"', downRevision: undefined } });
  });

  it('reads a nested `static` as no member of the class', () => {
    const source = "export class M1 extends Migration {\n  async up() {\n    class Inner { static revision = 'x'; }\n  }\n}\n";
    expect(annotateMigrationClass(source, FIRST).kind).toBe('annotated');
  });

  it('says why a file without an exported class cannot be annotated', () => {
    expect(annotateMigrationClass("exports.Migration1 = class extends Migration {};\n", FIRST)).toEqual({
      kind: 'no-class',
      problem: 'it exports no class (export class … extends Migration)',
    });
    expect(annotateMigrationClass('class Hidden extends Migration {}\n', FIRST).kind).toBe('no-class');
  });
});

describe('readMigrationClassStatics', () => {
  it('reads what an annotation wrote, and nothing from a file without it', () => {
    expect(readMigrationClassStatics(annotated(GENERATED, { revision: 'r2', downRevision: 'r1' }))).toEqual({ revision: 'r2', downRevision: 'r1' });
    expect(readMigrationClassStatics(GENERATED)).toBeUndefined();
    expect(readMigrationClassStatics('export const x = 1;\n')).toBeUndefined();
  });
});

describe('adoptedRevisionId', () => {
  it('is the first 12 hex digits of sha256("mikro-orm:" + name), the same on every run', () => {
    // printf 'mikro-orm:Migration20241116000001' | sha256sum
    expect(adoptedRevisionId('Migration20241116000001')).toBe('aa9d007e0704');
    expect(adoptedRevisionId('Migration20241116000001')).toMatch(/^[0-9a-f]{12}$/);
    expect(adoptedRevisionId('Migration20241116000002')).not.toBe(adoptedRevisionId('Migration20241116000001'));
  });
});

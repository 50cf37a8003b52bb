/**
 * The one scanner of a migration class's source: where each exported class and its body
 * are, and its header statics as written. Core reads class headers with it; the adapter
 * kit's `import mikro-orm` finds the class to annotate with it.
 */
import { describe, expect, it } from 'vitest';
import { readExportedClasses } from '../../src/script/exported-classes.js';
import { parseMigrationHeader } from '../../src/script/migration-header.js';

const FILE = '/app/migrations/versions/Migration20241116000001.ts';

describe('readExportedClasses', () => {
  it('locates each exported class: its export, its body, whether it is the default and extends another', () => {
    const source = [
      "import { Migration } from '@mikro-orm/migrations';",
      '',
      'export class Names { static table = "scan"; }',
      '  export default class Migration1 extends Migration {',
      "  static revision = 'a1';",
      '}',
      '',
    ].join('\n');
    const { classes, defaultIsNotAClass } = readExportedClasses(source);
    expect(defaultIsNotAClass).toBe(false);
    expect(classes.map(({ statics: _statics, ...where }) => where)).toEqual([
      {
        name: 'Names',
        isDefault: false,
        extendsClass: false,
        declarationStart: source.indexOf('export class Names'),
        bodyStart: source.indexOf('{ static table'),
        bodyEnd: source.indexOf('}', source.indexOf('static table')),
      },
      {
        name: 'Migration1',
        isDefault: true,
        extendsClass: true,
        declarationStart: source.indexOf('export default'),
        bodyStart: source.indexOf('{\n  static revision'),
        bodyEnd: source.lastIndexOf('}'),
      },
    ]);
  });

  it('reads each header static as a literal, a declaration without a value, or something to evaluate', () => {
    const source = `export class M extends Migration {
  static revision = 'r1' as const;
  static downRevision: string | null;
  static branchLabels = labels('scans'), other = 1;
  static get dependsOn() { return ['d1']; }
  static message = undefined;
  static table = 'not a header member';
}`;
    const [migration] = readExportedClasses(source).classes;
    expect(Object.fromEntries(migration!.statics)).toEqual({
      revision: { kind: 'literal', value: 'r1' },
      downRevision: { kind: 'no-value' },
      branchLabels: { kind: 'not-a-literal', initializer: "labels('scans')" },
      dependsOn: { kind: 'not-a-literal', initializer: undefined },
      message: { kind: 'literal', value: null },
    });
  });

  it("reads past regular expressions and templates whose quotes, braces and backticks are not code", () => {
    const source = [
      'export class Migration1 extends Migration {',
      '  override async up(): Promise<void> {',
      "    const quote = /['\"{]/g, slash = /[/]}/;",
      '    const half = 10 / 2, rate = total / count; // divisions, not expressions',
      '    this.addSql(`insert into note (text) values (${`\'${"}"}\'`})`);',
      '    if (/^x/.test(name)) return;',
      '  }',
      "  static revision = 'r1';",
      '  static downRevision = null;',
      '}',
      'export default class extends Migration {}',
    ].join('\n');
    const [migration, anonymous] = readExportedClasses(source).classes;
    expect(migration!.statics.get('revision')).toEqual({ kind: 'literal', value: 'r1' });
    expect(migration!.bodyEnd).toBe(source.indexOf('}\nexport default'));
    expect(anonymous).toMatchObject({ name: undefined, isDefault: true });
  });

  it('finds classes behind decorators, before or after `export`, and never in comments, strings or nested blocks', () => {
    const source = [
      '// export class InComment extends Migration {}',
      "const text = 'export class InString extends Migration {';",
      'namespace Inner { export class Nested extends Migration {} }',
      '@Reflect.metadata("kind", "migration")',
      'export class Before extends Migration {}',
      'export @tracked({ by: ")" }) class After extends Migration {}',
      'export default @tracked class Last extends Migration {}',
    ].join('\n');
    expect(readExportedClasses(source).classes.map((exported) => exported.name)).toEqual(['Before', 'After', 'Last']);
  });

  it('tells a default export that is not a class, and a body the text never closes', () => {
    expect(readExportedClasses('export class Helper extends Base {}\nexport default migration;\n').defaultIsNotAClass).toBe(true);
    const [truncated] = readExportedClasses("export class M1 extends Migration {\n  static revision = 'r1';\n  up() {").classes;
    expect(truncated).toMatchObject({ name: 'M1', bodyEnd: undefined });
    expect(truncated!.statics.get('revision')).toEqual({ kind: 'literal', value: 'r1' });
  });

  it('does not read `.static` (a property access) as a static member', () => {
    const source = "export class M extends Migration {\n  other = config.static\n  static revision = 'r1';\n}";
    expect(readExportedClasses(source).classes[0]!.statics.get('revision')).toEqual({ kind: 'literal', value: 'r1' });
  });
});

describe('parseMigrationHeader on a class whose methods hold regular expressions and nested templates', () => {
  it('reads the header after them', () => {
    const source = `import { Migration } from '@mikro-orm/migrations';

export class Migration20241116000001 extends Migration {
  override async up(): Promise<void> {
    const unquoted = name.replace(/['"]/g, '');
    this.addSql(\`insert into note (text) values (\${quote(\`'\${unquoted}'\`)})\`);
  }

  static revision = '1f0c3a9b2d4e';
  static downRevision = null;
}
`;
    expect(parseMigrationHeader(source, FILE)).toEqual({
      revision: '1f0c3a9b2d4e',
      downRevision: null,
      branchLabels: undefined,
      dependsOn: undefined,
      message: 'Migration20241116000001',
    });
  });
});

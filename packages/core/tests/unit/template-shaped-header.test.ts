import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMigrationHeader, parseMigrationHeaderFully } from '../../src/script/migration-header.js';
import { DEFAULT_REVISION_TEMPLATE, renderRevisionTemplate } from '../../src/script/revision-template.js';
import { readTemplateShapedHeader } from '../../src/script/template-shaped-header.js';

const EXAMPLE_VERSIONS = path.resolve(import.meta.dirname, '../../../../examples/cloudguard-anomaly/migrations/versions');

function render(values: Partial<Parameters<typeof renderRevisionTemplate>[1]> = {}): string {
  return renderRevisionTemplate(DEFAULT_REVISION_TEMPLATE, {
    revision: 'ae1027a6acf',
    downRevisions: ['1975ea83b712'],
    branchLabels: [],
    dependsOn: [],
    message: 'Add scans',
    createDate: new Date('2024-11-16T00:00:00Z'),
    ...values,
  });
}

/** The quick path either declines or agrees with the full parser; `parseMigrationHeader` always agrees. */
function expectAgreement(source: string): 'quick' | 'declined' {
  const full = parseMigrationHeaderFully(source);
  const quick = readTemplateShapedHeader(source);
  expect(parseMigrationHeader(source)).toEqual(full);
  if (quick === undefined) return 'declined';
  expect(quick).toEqual(full);
  return 'quick';
}

describe('readTemplateShapedHeader (the quick path of parseMigrationHeader)', () => {
  it('reads what the default template writes, as the full parser does', () => {
    expect(expectAgreement(render())).toBe('quick');
    expect(readTemplateShapedHeader(render())).toEqual({
      revision: 'ae1027a6acf',
      downRevision: '1975ea83b712',
      branchLabels: null,
      dependsOn: null,
      message: 'Add scans',
    });
  });

  it('reads merges, labels, dependencies and first revisions from the template', () => {
    const merge = render({ downRevisions: ['a1', 'b2'], branchLabels: ['cart'], dependsOn: ['c3', 'd4'] });
    expect(expectAgreement(merge)).toBe('quick');
    expect(readTemplateShapedHeader(merge)).toMatchObject({ downRevision: ['a1', 'b2'], branchLabels: 'cart', dependsOn: ['c3', 'd4'] });
    const first = render({ downRevisions: [] });
    expect(expectAgreement(first)).toBe('quick');
    expect(readTemplateShapedHeader(first)?.downRevision).toBeNull();
  });

  it('agrees on every migration of the example project', () => {
    const files = readdirSync(EXAMPLE_VERSIONS).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const source = readFileSync(path.join(EXAMPLE_VERSIONS, name), 'utf8');
      expect(parseMigrationHeaderFully(source)?.revision).toBeTruthy();
      expectAgreement(source);
    }
  });

  it.each([
    ['an escaped quote in the message', render({ message: "it's fine" })],
    ['a multi-line message', render({ message: 'one\ntwo' })],
    ['a header key written again below', render().replace('async up(op) {', "revision: 'other',\n  async up(op) {")],
    ['a header key inside up()', render().replace("// Write the upgrade here", "const message = 'x'; //")],
    ['a quoted key', render().replace("revision: 'ae1027a6acf'", "'revision': 'ae1027a6acf'")],
    ['a comment before the first key', render().replace('export default {', 'export default {\n  // the header\n')],
    ['a comment between key and colon below', `export default {\n  revision: 'a',\n  downRevision: null,\n  up() {},\n  message /* x */ : 'm',\n};`],
    ['a template literal', render().replace("revision: 'ae1027a6acf'", 'revision: `ae1027a6acf`')],
    ['an interpolated template literal', render().replace("revision: 'ae1027a6acf'", 'revision: `${id}`')],
    ['a variable', `const id = 'x';\nexport default {\n  revision: id,\n  downRevision: null,\n};`],
    ['undefined for downRevision', `export default {\n  revision: 'a',\n  downRevision: undefined,\n  up() {},\n};`],
    ['a commented-out export first', `// export default { revision: 'no', downRevision: null, };\nexport default {\n  revision: 'yes',\n  downRevision: null,\n};`],
    ['an export inside a block comment', `/* export default {\n  revision: 'no',\n  downRevision: null,\n}; */\nexport default {\n  revision: 'yes',\n  downRevision: null,\n};`],
    ['an export inside a string', `const s = "export default {";\nexport default {\n  revision: 'yes',\n  downRevision: null,\n};`],
    ['defineMigration()', `export default defineMigration({\n  revision: 'a',\n  downRevision: ['b', 'c',],\n  message: "double",\n  up() {},\n});`],
    ['a generic helper', `export default defineMigration<Db>({\n  revision: 'a',\n  downRevision: [],\n});`],
    ['no downRevision', `export default {\n  revision: 'a',\n  up() {},\n};`],
    ['no default export', `module.exports = {\n  revision: 'a',\n  downRevision: null,\n};`],
    ['an escape that spells a key', `export default {\n  revision: 'a',\n  downRevision: null,\n  '\\x6dessage': 'hidden',\n};`],
    ['a unicode message', render({ message: 'Größe ändern 🚀' })],
    ['a trailing property without comma', `export default {\n  revision: 'a',\n  downRevision: null }`],
  ])('declines or agrees: %s', (_name, source) => {
    expectAgreement(source);
  });

  it('declines every odd shape above that the full parser reads differently', () => {
    const overridden = render().replace('  async down(op) {', "  revision: 'other',\n  async down(op) {");
    expect(readTemplateShapedHeader(overridden)).toBeUndefined();
    expect(parseMigrationHeader(overridden)?.revision).toBe('other');
    const commented = `/* export default {\n  revision: 'no',\n  downRevision: null,\n}; */\nexport default {\n  revision: 'yes',\n  downRevision: null,\n};`;
    expect(readTemplateShapedHeader(commented)).toBeUndefined();
    expect(parseMigrationHeader(commented)?.revision).toBe('yes');
  });

  const idArb = fc.stringMatching(/^[a-z0-9_]{1,12}$/);
  const textArb = fc.string({ unit: fc.constantFrom('a', ' ', "'", '"', '\\', '\n', '*/', '/*', '//', '`', '${', 'é', ':', ',', '[', ']') });

  it('the full parser ends on a stray closing bracket instead of looping', () => {
    expect(parseMigrationHeaderFully(`export default {\n  revision: 'a',\n  ) downRevision: null,\n};`)).toEqual({
      revision: 'a',
      downRevision: null,
      branchLabels: undefined,
      dependsOn: undefined,
      message: undefined,
    });
  });

  it('agrees with the full parser on any rendered template (property)', () => {
    fc.assert(
      fc.property(
        idArb,
        fc.array(idArb, { maxLength: 3 }),
        fc.array(idArb, { maxLength: 2 }),
        fc.array(idArb, { maxLength: 2 }),
        textArb,
        (revision, downRevisions, branchLabels, dependsOn, message) => {
          expectAgreement(render({ revision, downRevisions, branchLabels, dependsOn, message }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the full parser when arbitrary text is spliced into a template file (property)', () => {
    const base = render({ downRevisions: ['a1', 'b2'] });
    fc.assert(
      fc.property(fc.nat({ max: base.length }), textArb, (at, text) => {
        expectAgreement(base.slice(0, at) + text + base.slice(at));
      }),
      { numRuns: 500 },
    );
  });
});

describe('renderRevisionTemplate with transactional: false', () => {
  it('writes the property on its own line after the message, and the header still reads quickly', () => {
    const source = render({ transactional: false });
    expect(source).toContain("  message: 'Add scans',\n  transactional: false,\n");
    expect(expectAgreement(source)).toBe('quick');
    expect(render()).not.toContain('transactional');
    expect(render({ transactional: true })).toBe(render());
  });

  it("goes after downRevision in a template without the message, indented as that line", () => {
    const template = "export default {\n\trevision: {{ revision }},\n\tdownRevision: {{ downRevision }},\n\tasync up(op) {\n{{ upgrades }}\n\t},\n};\n";
    const source = renderRevisionTemplate(template, { ...values(), transactional: false });
    expect(source).toContain("\tdownRevision: '1975ea83b712',\n\ttransactional: false,\n\tasync up(op) {");
  });

  it('refuses a template with no line the property can follow, naming the template', () => {
    const template = 'export default defineMigration({ revision: {{ revision }}, downRevision: {{ downRevision }}, up() {} });\n';
    expect(() => renderRevisionTemplate(template, { ...values(), transactional: false }, '/app/migrations/script.ts.tmpl')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('`transactional: false,`') }),
    );
  });
});

function values(): Parameters<typeof renderRevisionTemplate>[1] {
  return { revision: 'ae1027a6acf', downRevisions: ['1975ea83b712'], branchLabels: [], dependsOn: [], message: 'Add scans', createDate: new Date('2024-11-16T00:00:00Z') };
}

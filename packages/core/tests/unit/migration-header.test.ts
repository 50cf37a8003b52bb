import { describe, expect, it } from 'vitest';
import { parseMigrationHeader } from '../../src/script/migration-header.js';
import { DEFAULT_REVISION_TEMPLATE, renderRevisionTemplate } from '../../src/script/revision-template.js';

describe('parseMigrationHeader', () => {
  it('reads what the default template writes', () => {
    const source = renderRevisionTemplate(DEFAULT_REVISION_TEMPLATE, {
      revision: 'ae1027a6acf',
      downRevisions: ['1975ea83b712', '27c6a30d7c24'],
      branchLabels: ['shopping_cart'],
      dependsOn: [],
      message: "it's a merge */ with tricky text",
      createDate: new Date('2024-11-16T00:00:00Z'),
    });
    expect(parseMigrationHeader(source)).toEqual({
      revision: 'ae1027a6acf',
      downRevision: ['1975ea83b712', '27c6a30d7c24'],
      branchLabels: 'shopping_cart',
      dependsOn: null,
      message: "it's a merge */ with tricky text",
    });
  });

  it('skips methods, nested objects, comments and strings that look like keys', () => {
    const source = `
      // revision: 'not-this'
      const helper = { revision: 'nor-this' };
      export default defineMigration({
        async up(op) { await op.execute("revision: 'inside'"); const x = { downRevision: 'x' }; },
        /* downRevision: 'commented' */
        downRevision: "b1",
        revision: \`c2\`,
        message: 'Add \\'quoted\\' column',
        down: (op) => op.execute('DROP'),
      });`;
    expect(parseMigrationHeader(source)).toEqual({
      revision: 'c2',
      downRevision: 'b1',
      branchLabels: undefined,
      dependsOn: undefined,
      message: "Add 'quoted' column",
    });
  });

  it('gives up when the revision is not a literal, so the caller imports the module', () => {
    expect(parseMigrationHeader(`const id = 'a'; export default { revision: id, downRevision: null, up() {} };`)).toBeUndefined();
    expect(parseMigrationHeader(`export default { revision: 'a', up() {} };`)).toBeUndefined();
    expect(parseMigrationHeader(`module.exports = { revision: 'a', downRevision: null }`)).toBeUndefined();
  });
});

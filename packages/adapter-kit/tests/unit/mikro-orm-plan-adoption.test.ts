/**
 * The adoption plan of a MikroORM project, decided without I/O: the chain in MikroORM's
 * order, each file's fate, the stamp, and every reason to refuse.
 */
import { createRevision, isMigrateError, type Revision } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { adoptedRevisionId, annotateMigrationClass, planMikroOrmAdoption, type AdoptionInput, type MikroOrmHistoryRow } from '../../src/mikro-orm/index.js';

const MIGRATIONS_DIR = '/app/src/migrations';
const VERSIONS_DIR = '/app/migrations/versions';

function migration(name: string, dir = MIGRATIONS_DIR, extension = '.ts') {
  const fileName = `${name}${extension}`;
  return {
    name,
    fileName,
    path: `${dir}/${fileName}`,
    text: `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${name} extends Migration {\n  override async up(): Promise<void> {\n    this.addSql('select 1');\n  }\n}\n`,
  };
}

function row(id: number, name: string, executedAt: string | null = '2024-11-16T10:00:00.000Z'): MikroOrmHistoryRow {
  return { id, name, executedAt };
}

const A = 'Migration20241116000001';
const B = 'Migration20241116000002';
const C = 'Migration20241116000003';
const [a, b, c] = [A, B, C].map(adoptedRevisionId) as [string, string, string];

function plan(overrides: Partial<AdoptionInput>) {
  return planMikroOrmAdoption({
    migrations: [migration(A), migration(B), migration(C)],
    history: [],
    versionsDirectory: VERSIONS_DIR,
    versionsFiles: new Map(),
    otherRevisions: [],
    versionRows: [],
    ...overrides,
  });
}

const rev = (id: string, parent: string | null = null): Revision => createRevision({ id, downRevisions: parent, path: `${VERSIONS_DIR}/${id}.ts` });

describe('planMikroOrmAdoption: the chain', () => {
  it('chains the files in MikroORM order from base, each written into versions/ under its file name', () => {
    const result = plan({ history: [row(1, A), row(2, B)] });
    expect(result.problems).toEqual([]);
    expect(result.base).toBeNull();
    expect(result.revisions.map((r) => [r.migration, r.downRevision, r.revision, r.action, r.applied])).toEqual([
      [A, null, a, 'write', true],
      [B, a, b, 'write', true],
      [C, b, c, 'write', false],
    ]);
    expect(result.revisions[1]).toMatchObject({ source: `${MIGRATIONS_DIR}/${B}.ts`, path: `${VERSIONS_DIR}/${B}.ts`, executedAt: '2024-11-16T10:00:00.000Z' });
    expect(result.revisions[1]!.text).toContain(`export class ${B} extends Migration {\n  static revision = '${b}';\n  static downRevision = '${a}';\n`);
    expect(result.stamp).toEqual({ kind: 'stamp', revision: b, migration: B });
  });

  it('starts the chain at the single head of versions/ when the project has revisions, and stamps from it', () => {
    const result = plan({ otherRevisions: [rev('r1'), rev('r2', 'r1')], history: [row(1, A)], versionRows: ['r2'] });
    expect(result.base).toBe('r2');
    expect(result.revisions[0]!.downRevision).toBe('r2');
    expect(result.stamp).toEqual({ kind: 'stamp', revision: a, migration: A });
    expect(result.problems).toEqual([]);
  });

  it('refuses versions/ with several heads', () => {
    let thrown: unknown;
    try {
      plan({ otherRevisions: [rev('r1'), rev('r2', 'r1'), rev('r3', 'r1')] });
    } catch (error) {
      thrown = error;
    }
    expect(isMigrateError(thrown) && thrown.code).toBe('MULTIPLE_HEADS');
    expect((thrown as { heads: string[] }).heads.sort()).toEqual(['r2', 'r3']);
  });

  it('keeps the parent an earlier adoption gave the first file, though versions/ has grown since', () => {
    const first = migration(A);
    const adopted = annotateMigrationClass(first.text, { revision: a, downRevision: 'r1' });
    if (adopted.kind !== 'annotated') throw new Error('not annotated');
    const result = plan({
      migrations: [first, migration(B)],
      versionsFiles: new Map([[first.fileName, adopted.text]]),
      // r9 was written after the adoption, on top of the adopted revisions
      otherRevisions: [rev('r1'), rev('r9', b)],
      history: [row(1, A), row(2, B)],
      versionRows: [a],
    });
    expect(result.base).toBe('r1');
    expect(result.revisions.map((r) => r.action)).toEqual(['unchanged', 'write']);
    expect(result.stamp).toEqual({ kind: 'stamp', revision: b, migration: B });
  });

  it('is unchanged when the files are there with the same statics and the database is stamped', () => {
    const first = plan({ history: [row(1, A), row(2, B), row(3, C)] });
    const versionsFiles = new Map(first.revisions.map((r) => [r.path.split('/').pop()!, r.text]));
    const again = plan({ history: [row(1, A), row(2, B), row(3, C)], versionsFiles, versionRows: [c] });
    expect(again.revisions.map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.stamp).toEqual({ kind: 'already-stamped', revision: c, migration: C });
    expect(again.problems).toEqual([]);
  });

  it('stamps nothing when MikroORM applied nothing, and nothing when the database is past the last applied one', () => {
    expect(plan({}).stamp).toEqual({ kind: 'nothing-applied' });
    expect(plan({ history: [row(1, A)], versionRows: [c] }).stamp).toEqual({ kind: 'already-stamped', revision: a, migration: A });
  });

  it('annotates in place when the MikroORM folder is versions/, and leaves an annotated file alone', () => {
    const inPlace = [migration(A, VERSIONS_DIR), migration(B, VERSIONS_DIR)];
    const result = plan({ migrations: inPlace, history: [row(1, A)] });
    expect(result.revisions.map((r) => [r.action, r.path === r.source])).toEqual([
      ['annotate', true],
      ['annotate', true],
    ]);
    const annotated = result.revisions.map((r, i) => ({ ...inPlace[i]!, text: r.text }));
    const again = plan({ migrations: annotated, history: [row(1, A)], versionRows: [a] });
    expect(again.revisions.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.problems).toEqual([]);
  });
});

describe('planMikroOrmAdoption: what it refuses', () => {
  it('refuses, without --force, an applied row whose file is gone, and says what --force assumes', () => {
    const result = plan({ migrations: [migration(A), migration(C)], history: [row(1, A), row(2, B), row(3, C)] });
    expect(result.problems).toEqual([
      {
        kind: 'applied-without-file',
        migration: B,
        path: undefined,
        message: `${B} is applied (2024-11-16T10:00:00.000Z) but no migration file has that name`,
        forceable: true,
        assumption: `${B} is left out: what it did stays in the database, and no revision holds it`,
      },
    ]);
    // the chain and the stamp skip it
    expect(result.revisions.map((r) => r.migration)).toEqual([A, C]);
    expect(result.stamp).toMatchObject({ kind: 'stamp', revision: c });
  });

  it('refuses a file not applied while a file sorted after it is (MikroORM would still run it)', () => {
    const result = plan({ history: [row(1, A), row(2, C)] });
    expect(result.problems).toMatchObject([
      { kind: 'applied-out-of-order', migration: B, path: `${MIGRATIONS_DIR}/${B}.ts`, forceable: true, message: `${B} is not applied, but ${C} sorts after it and is` },
    ]);
    expect(result.problems[0]!.assumption).toContain(`${B} is recorded as applied`);
    expect(result.stamp).toMatchObject({ kind: 'stamp', revision: c });
  });

  it('refuses executed_at going back in file order, and takes equal times (one MikroORM run) as in order', () => {
    const sameRun = plan({ history: [row(1, A, '2024-11-16T10:00:00.000Z'), row(2, B, '2024-11-16T10:00:00.000Z'), row(3, C, '2024-11-17T09:00:00.000Z')] });
    expect(sameRun.problems).toEqual([]);
    const backwards = plan({ history: [row(1, B, '2024-11-16T10:00:00.000Z'), row(2, A, '2024-11-17T09:00:00.000Z'), row(3, C, '2024-11-16T11:00:00.000Z')] });
    expect(backwards.problems).toMatchObject([
      {
        kind: 'executed-out-of-order',
        migration: B,
        forceable: true,
        message: `${B} was applied at 2024-11-16T10:00:00.000Z, before ${A} (2024-11-17T09:00:00.000Z), which sorts before it`,
      },
      { kind: 'executed-out-of-order', migration: C },
    ]);
  });

  it('refuses, even with --force, a versions/ file of the same name with other content, naming it', () => {
    const result = plan({ history: [row(1, A)], versionsFiles: new Map([[`${B}.ts`, 'export default { revision: "x", downRevision: null, up() {} };\n']]) });
    expect(result.problems).toEqual([
      {
        kind: 'file-conflict',
        migration: B,
        path: `${VERSIONS_DIR}/${B}.ts`,
        message: `${VERSIONS_DIR}/${B}.ts exists and differs from ${MIGRATIONS_DIR}/${B}.ts with the revision it would get (${b})`,
        forceable: false,
        assumption: undefined,
      },
    ]);
  });

  it('refuses an in-place file annotated with other statics', () => {
    const inPlace = migration(A, VERSIONS_DIR);
    const other = annotateMigrationClass(inPlace.text, { revision: 'ffffffffffff', downRevision: null });
    if (other.kind !== 'annotated') throw new Error('not annotated');
    const result = plan({ migrations: [{ ...inPlace, text: other.text }] });
    expect(result.problems).toMatchObject([{ kind: 'file-conflict', forceable: false, message: `${VERSIONS_DIR}/${A}.ts already declares revision 'ffffffffffff' and downRevision null, not revision '${a}' after none (a first revision)` }]);
  });

  it('refuses a file it cannot annotate, and two files that are one migration', () => {
    const commonJs = { ...migration(B, MIGRATIONS_DIR, '.cjs'), name: `${B}.cjs` };
    const noClass = { ...migration(C), text: 'module.exports = {};\n' };
    const result = plan({ migrations: [migration(A), migration(A, MIGRATIONS_DIR, '.js'), commonJs, noClass] });
    expect(result.problems.map((p) => [p.kind, p.forceable])).toEqual([
      ['duplicate-name', false],
      ['file-not-adoptable', false],
      ['file-not-adoptable', false],
    ]);
    expect(result.problems[0]!.message).toBe(`${MIGRATIONS_DIR}/${A}.ts and ${MIGRATIONS_DIR}/${A}.js are both MikroORM migration ${A}`);
    expect(result.problems[2]!.message).toBe(`${MIGRATIONS_DIR}/${C}.ts cannot be adopted: it exports no class (export class … extends Migration)`);
  });

  it('refuses a database whose version table is not where the chain starts', () => {
    const others = [rev('r1'), rev('r2', 'r1')];
    const behind = plan({ otherRevisions: others, history: [row(1, A)], versionRows: ['r1'] });
    expect(behind.problems).toMatchObject([
      { kind: 'database-elsewhere', forceable: false, message: `the database is not at the head of versions/: r2 is not applied, and stamping ${a} would record it as applied without running it` },
    ]);
    const atBase = plan({ otherRevisions: others, history: [row(1, A)], versionRows: [] });
    expect(atBase.problems[0]!.message).toContain('r1, r2 are not applied');
    const unknown = plan({ history: [row(1, A)], versionRows: ['zz9'] });
    expect(unknown.problems[0]!.message).toBe("the database's version table records zz9, which no file in versions/ defines");
    // adopted on top of r1 before; r9 was branched off r1 since, and the database follows it
    const first = migration(A);
    const adopted = annotateMigrationClass(first.text, { revision: a, downRevision: 'r1' });
    if (adopted.kind !== 'annotated') throw new Error('not annotated');
    const apart = plan({
      migrations: [first],
      versionsFiles: new Map([[first.fileName, adopted.text]]),
      otherRevisions: [rev('r1'), rev('r9', 'r1')],
      history: [row(1, A)],
      versionRows: ['r9'],
    });
    expect(apart.problems).toMatchObject([{ kind: 'database-elsewhere', message: "the database's version table records r9, which the adopted revisions do not follow" }]);
  });
});

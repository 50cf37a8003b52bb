/**
 * `check` finds migrations on concurrent branches that change the same object (issue 20,
 * item 3), through the built bin on real SQLite files and real PostgreSQL databases: two
 * unmerged heads adding different columns pass; the same column fails naming both
 * revisions, files and the column; a reviewed pair passes, acknowledged in the config or
 * in the migration's header; and the two sides of a merge not applied yet are compared.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject, type RunResult } from './cli.js';

const SCHEMAS = fileURLToPath(new URL('../../../../docs/json/', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as object);
/** Whether a `check --json` document is what docs/json/check.schema.json documents. */
function documented(document: unknown): string {
  const validate = ajv.getSchema('https://cgmigrate.local/json/check.schema.json')!;
  return validate(document) ? 'valid' : ajv.errorsText(validate.errors);
}

type Dialect = 'sqlite' | 'postgresql';
const DIALECT_TAGS: Record<Dialect, string[]> = { sqlite: [], postgresql: ['postgres'] };
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Migration {
  readonly id: string;
  readonly parent: string | readonly string[] | null;
  readonly up: string;
  readonly header?: string;
}

interface CheckJson {
  ok: boolean;
  problems: { code: string; message: string; meeting?: { kind: string }; object?: Record<string, string> }[];
  branchConflicts: { conflicts: unknown[]; acknowledged: { reviewedIn: string }[]; unreadable: unknown[]; compared: string[] };
}

/** A project with these migrations (files named `<id>_m.ts`) on a fresh database of the dialect. */
async function project(dialect: Dialect, migrations: readonly Migration[], config: Record<string, unknown> = {}): Promise<(args: string[]) => Promise<RunResult>> {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  let url = 'sqlite:///app.db';
  if (dialect === 'postgresql') {
    const db = await createTestDatabase('cgm_conflicts');
    cleanups.push(() => db.drop());
    url = db.url;
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), `export default ${JSON.stringify({ url, ...config })};\n`);
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const m of migrations) {
    writeFileSync(
      path.join(versions, `${m.id}_m.ts`),
      `/**\n * Revision ID: ${m.id}\n${m.header ?? ''} */\nexport default {\n  revision: '${m.id}',\n  downRevision: ${JSON.stringify(m.parent)},\n` +
        `  async up(op) {\n    ${m.up}\n  },\n  async down() {},\n};\n`,
    );
  }
  return (args) => cgmigrate(args, { cwd: dir });
}

const BASE: Migration = { id: 'base01', parent: null, up: "await op.createTable('scans', { id: { type: 'integer', primaryKey: true }, note: { type: 'text' } });" };
/** Changes column scans.note with a schema operation. */
const NOTE_DEFAULT: Migration = { id: 'aaaa01', parent: 'base01', up: "await op.alterColumn('scans', 'note', { default: 'none' });" };
/** Adds a column with raw SQL. */
const OWNER: Migration = { id: 'bbbb01', parent: 'base01', up: "await op.execute('ALTER TABLE scans ADD COLUMN owner text');" };
/** Backfills column scans.note with raw SQL: the same column as {@link NOTE_DEFAULT}. */
const NOTE_BACKFILL: Migration = { id: 'cccc01', parent: 'base01', up: "await op.execute(\"UPDATE scans SET note = 'n/a' WHERE note IS NULL\");" };

async function upgraded(dialect: Dialect, migrations: readonly Migration[], config?: Record<string, unknown>) {
  const run = await project(dialect, migrations, config);
  const upgrade = await run(['upgrade', 'heads']);
  expect(upgrade.code, upgrade.stderr).toBe(0);
  return run;
}

describe.each(['sqlite', 'postgresql'] as const)('branch conflicts in check (%s)', (dialect) => {
  const tags = DIALECT_TAGS[dialect];

  it('passes a database at two unmerged heads that add different columns', { tags }, async () => {
    const run = await upgraded(dialect, [BASE, NOTE_DEFAULT, OWNER]);
    const human = await run(['check']);
    expect(human.code, human.stdout + human.stderr).toBe(0);
    expect(human.stdout).toBe('');
    const json = (await run(['check', '--json'])).json<CheckJson>();
    expect(json).toMatchObject({ ok: true, problems: [], branchConflicts: { conflicts: [], unreadable: [] } });
    expect([...json.branchConflicts.compared].sort()).toEqual(['aaaa01', 'bbbb01']);
  });

  it('fails two unmerged heads that change the same column, naming both revisions, files and the column', { tags }, async () => {
    const run = await upgraded(dialect, [BASE, NOTE_DEFAULT, NOTE_BACKFILL]);
    const human = await run(['check']);
    expect(human.code).toBe(1);
    expect(human.stdout.trim()).toBe(
      'Revisions aaaa01 (migrations/versions/aaaa01_m.ts) and cccc01 (migrations/versions/cccc01_m.ts), on unmerged heads aaaa01 and cccc01, ' +
        'both change column scans.note: aaaa01 alters column scans.note; cccc01 writes column scans.note (update)',
    );
    expect(human.stderr).toContain("reviewedConflicts: [['aaaa01', 'cccc01']]");
    const json = await run(['check', '--json']);
    expect(json.code).toBe(1);
    expect(documented(json.json())).toBe('valid');
    expect(json.json<CheckJson>().problems).toEqual([
      expect.objectContaining({ code: 'BRANCH_CONFLICT', object: { table: 'scans', column: 'note' }, meeting: { kind: 'heads', heads: ['aaaa01', 'cccc01'] } }),
    ]);
  });

  it('passes the same pair once the config acknowledges it (prefixes, either order)', { tags }, async () => {
    const run = await upgraded(dialect, [BASE, NOTE_DEFAULT, NOTE_BACKFILL], { reviewedConflicts: [['cccc', 'aaaa01']] });
    const human = await run(['check']);
    expect(human.code, human.stdout).toBe(0);
    const json = (await run(['check', '--json'])).json<CheckJson>();
    expect(json.branchConflicts.acknowledged).toMatchObject([{ reviewedIn: 'config' }]);
    expect(documented(json)).toBe('valid');
  });

  it("passes the same pair once the later migration's header acknowledges it", { tags }, async () => {
    const reviewed = { ...NOTE_BACKFILL, header: ' * Reviewed-Conflicts: aaaa01\n' };
    const run = await upgraded(dialect, [BASE, NOTE_DEFAULT, reviewed]);
    const human = await run(['check']);
    expect(human.code, human.stdout).toBe(0);
    expect((await run(['check', '--json'])).json<CheckJson>().branchConflicts.acknowledged).toMatchObject([{ reviewedIn: 'header' }]);
  });

  it('warns about a statement its parser cannot read, naming the revision, file and statement, without failing', { tags }, async () => {
    const statement = dialect === 'sqlite' ? 'PRAGMA foreign_keys = ON' : 'DO $$ BEGIN PERFORM 1; END $$';
    const opaque: Migration = { id: 'eeee01', parent: 'base01', up: `await op.execute(${JSON.stringify(statement)});` };
    const run = await upgraded(dialect, [BASE, NOTE_DEFAULT, opaque]);
    const human = await run(['check']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toContain(`Revision eeee01 (migrations/versions/eeee01_m.ts) runs SQL that cannot be read, so branch conflicts through it may go unseen: ${statement} (`);
    const json = (await run(['check', '--json'])).json<CheckJson>();
    expect(json.branchConflicts.unreadable).toMatchObject([{ revision: 'eeee01', statement }]);
    expect(documented(json)).toBe('valid');
  });

  it('compares the two sides of a merge not applied yet, and not once it is', { tags }, async () => {
    const merge: Migration = { id: 'dddd01', parent: ['aaaa01', 'cccc01'], up: '' };
    const run = await project(dialect, [BASE, NOTE_DEFAULT, NOTE_BACKFILL, merge]);
    expect((await run(['upgrade', 'aaaa01'])).code).toBe(0);
    expect((await run(['upgrade', 'cccc01'])).code).toBe(0);
    const before = await run(['check', '--json']);
    expect(before.code).toBe(1);
    expect(before.json<CheckJson>().problems.map((p) => [p.code, p.meeting?.kind])).toEqual([
      ['DB_NOT_UP_TO_DATE', undefined],
      ['BRANCH_CONFLICT', 'merge'],
    ]);
    expect((await run(['upgrade', 'heads'])).code).toBe(0);
    const after = await run(['check']);
    expect(after.code, after.stdout).toBe(0);
  });
});

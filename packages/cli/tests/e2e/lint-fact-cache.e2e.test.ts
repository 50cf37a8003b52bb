/**
 * The lint's statement cache through the built bin (issue 18): what SQLite's grammars
 * and PostgreSQL's parser read of each statement is kept under Node's compile cache
 * folder, so that the next `lint` or `upgrade` parses nothing it read before, and finds
 * exactly the same: cold, warm, and with `CGMIGRATE_NO_CACHE=1`. Each test has a private temp folder of its own
 * (`TMPDIR`), where the compile cache folder is by default.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, type RunResult } from './cli.js';

let base: string;
let project: string;
let temp: string;

/** up() bodies: a table made by operations, and raw SQL that triggers rules (all of which SQLite runs). */
const MIGRATIONS: readonly { readonly id: string; readonly parent: string | null; readonly up: readonly string[] }[] = [
  { id: 'a1', parent: null, up: ["await op.createTable('scans', { id: { type: 'integer', primaryKey: true }, host: { type: 'text' }, note: { type: 'text' } });"] },
  { id: 'b2', parent: 'a1', up: ["await op.execute('CREATE TABLE old_scans (id integer primary key)');", "await op.execute('CREATE INDEX ix_scans_host ON scans (host)');"] },
  {
    id: 'c3',
    parent: 'b2',
    up: [
      "await op.execute('ALTER TABLE scans DROP COLUMN note');",
      "await op.execute('UPDATE scans SET host = lower(host)');",
      "await op.execute('ALTER TABLE scans ADD COLUMN owner text NOT NULL');",
      "await op.execute('DROP TABLE old_scans');",
      "await op.execute('DROP INDEX ix_scans_host');",
    ],
  },
];

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-lint-cache-')));
  chmodSync(base, 0o700);
  project = path.join(base, 'project');
  temp = path.join(base, 'tmp');
  mkdirSync(temp, { mode: 0o700 });
  const versions = path.join(project, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'p', private: true, type: 'module' }));
  writeFileSync(path.join(project, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db', scriptLocation: 'migrations' }));
  for (const m of MIGRATIONS) {
    writeFileSync(
      path.join(versions, `${m.id}_m.ts`),
      `export default {\n  revision: '${m.id}',\n  downRevision: ${JSON.stringify(m.parent)},\n  async up(op) {\n${m.up.map((line) => `    ${line}\n`).join('')}  },\n  async down(op) {},\n};\n`,
    );
  }
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function run(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return cgmigrate(args, { cwd: project, env: { TMPDIR: temp, NODE_COMPILE_CACHE: undefined, CGMIGRATE_NO_CACHE: undefined, ...env } });
}

/** The statement cache files under the temp folder's compile cache. */
function factFiles(): string[] {
  const compileCache = path.join(temp, 'node-compile-cache');
  return readdirSync(compileCache).flatMap((tag) => {
    const folder = path.join(compileCache, tag, 'cgmigrate-statement-facts');
    try {
      return readdirSync(folder).map((name) => path.join(folder, name));
    } catch {
      return [];
    }
  });
}

/** The lint warnings an upgrade printed, in order. */
function warnings(result: RunResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('Warning: migrations/'));
}

describe('the lint statement cache', () => {
  it('lint finds the same cold, warm and with CGMIGRATE_NO_CACHE=1, and the warm run writes nothing', async () => {
    // A statement no grammar reads, which lint reports and upgrade could not run.
    writeFileSync(
      path.join(project, 'migrations', 'versions', 'd4_m.ts'),
      "export default {\n  revision: 'd4',\n  downRevision: 'c3',\n  async up(op) {\n    await op.execute('UPDATE scans SET = 1');\n  },\n};\n",
    );
    // The tables c3 changes in use: what lint then reads is c3 and d4.
    expect((await run(['upgrade', 'b2', '--lint', 'off'])).code).toBe(0);
    expect(factFiles()).toEqual([]);
    const cold = await run(['lint', '--json']);
    expect(cold.code, cold.stderr).toBe(1);
    const [file, ...others] = factFiles();
    expect(others).toEqual([]);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file!)).mode & 0o777).toBe(0o700);
    const written = statSync(file!);

    const warm = await run(['lint', '--json']);
    const off = await run(['lint', '--json'], { CGMIGRATE_NO_CACHE: '1' });
    const findings = cold.json<{ findings: { ruleId: string }[] }>().findings;
    expect(findings.map((finding) => finding.ruleId).sort()).toEqual(
      ['ADD_REQUIRED_COLUMN', 'DDL_WITH_DATA_CHANGE', 'DROP_COLUMN', 'DROP_INDEX', 'DROP_TABLE', 'UNPARSEABLE', 'UPDATE_ALL_ROWS'].sort(),
    );
    expect(warm.json()).toEqual(cold.json());
    expect(off.json()).toEqual(cold.json());
    expect([warm.code, off.code]).toEqual([cold.code, cold.code]);
    // Nothing new was parsed: the file was neither rewritten nor replaced.
    const after = statSync(file!);
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it('upgrade warns the same cold, warm and with CGMIGRATE_NO_CACHE=1', async () => {
    const upgrade = async (env: Record<string, string | undefined> = {}): Promise<string[]> => {
      rmSync(path.join(project, 'app.db'), { force: true });
      // The tables c3 changes in use, as on a database that has them: what upgrade head then lints is c3.
      expect((await run(['upgrade', 'b2', '--lint', 'off'], env)).code).toBe(0);
      const result = await run(['upgrade', 'head'], env);
      expect(result.code, result.stderr).toBe(0);
      return warnings(result);
    };
    const cold = await upgrade();
    expect(cold).toHaveLength(6);
    expect(factFiles()).toHaveLength(1);
    expect(await upgrade()).toEqual(cold);
    expect(await upgrade({ CGMIGRATE_NO_CACHE: '1' })).toEqual(cold);
  });

  it('lint on PostgreSQL finds the same cold, warm and with CGMIGRATE_NO_CACHE=1', { tags: ['postgres'] }, async () => {
    const db = await createTestDatabase('cgm_lint_cache');
    try {
      writeFileSync(path.join(project, 'cgmigrate.config.json'), JSON.stringify({ url: db.url, scriptLocation: 'migrations' }));
      writeFileSync(
        path.join(project, 'migrations', 'versions', 'd4_m.ts'),
        "export default {\n  revision: 'd4',\n  downRevision: 'c3',\n  async up(op) {\n" +
          "    await op.execute('CREATE INDEX ix_scans_owner ON scans (owner)');\n    await op.execute('ALTER TABLE scans ALTER COLUMN host TYPE varchar(20)');\n" +
          "    await op.execute('ALTER TABEL scans ADD COLUMN x text');\n  },\n};\n",
      );
      expect((await run(['upgrade', 'b2', '--lint', 'off'])).code).toBe(0);
      const lint = (env: Record<string, string | undefined> = {}) => run(['lint', '--json', '--server-version', '15'], env);
      const cold = await lint();
      expect(factFiles()).toHaveLength(1);
      const ruleIds = cold.json<{ findings: { ruleId: string }[] }>().findings.map((finding) => finding.ruleId);
      expect(ruleIds).toEqual(expect.arrayContaining(['DROP_TABLE', 'CREATE_INDEX_NON_CONCURRENTLY', 'CHANGE_COLUMN_TYPE', 'UNPARSEABLE']));
      expect((await lint()).json()).toEqual(cold.json());
      expect((await lint({ CGMIGRATE_NO_CACHE: '1' })).json()).toEqual(cold.json());
    } finally {
      await db.drop();
    }
  });

  it('names its file under --verbose, and keeps none with CGMIGRATE_NO_CACHE=1', async () => {
    const off = await run(['lint', '--all', '--verbose'], { CGMIGRATE_NO_CACHE: '1' });
    expect(off.stderr).toContain('Lint statement cache: off (CGMIGRATE_NO_CACHE is set)');
    expect(readdirSync(temp)).toEqual([]);
    const on = await run(['lint', '--all', '--verbose']);
    expect(on.stderr).toContain(`Lint statement cache: ${factFiles()[0]}`);
  });
});

// @module-tag alembic
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAlembicInstalled, runAlembic, writeAlembicProject, writeCgmigrateProject, type TwinRevision } from '../../../../tools/alembic/alembic-project.js';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, fails, MODES, type RunResult } from './cli.js';

/**
 * Relative steps across merges (issue 20), through the built CLI on real databases, with
 * Alembic 1.8.1 reading the version table cgmigrate leaves: a1 branches into b1 and b2, and
 * m merges them. `downgrade -1` at m leaves both parents current (where Alembic stops with
 * "Ambiguous walk"), `downgrade -2` counts on through the merge, and `upgrade +1` at the
 * branch point is refused with one command per branch, each of which works.
 */
const A1 = 'a1a1a1a1a1a1';
const B1 = 'b1b1b1b1b1b1';
const B2 = 'b2b2b2b2b2b2';
const M = 'ee00ee00ee00';
const GRAPH: readonly TwinRevision[] = [
  { id: A1, parents: [], up: ['CREATE TABLE accounts (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE accounts'], message: 'accounts' },
  { id: B1, parents: [A1], up: ['CREATE TABLE carts (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE carts'], message: 'carts' },
  { id: B2, parents: [A1], up: ['CREATE TABLE invoices (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE invoices'], message: 'invoices' },
  { id: M, parents: [B1, B2], up: [], down: [], message: 'merge' },
];

interface Dialect {
  readonly name: string;
  readonly tags: string[];
  /** The database for one project: cgmigrate's URL, SQLAlchemy's, and how to read its rows and tables. */
  readonly database: (dir: string) => Promise<{
    url: string;
    sqlalchemyUrl: string;
    rows: () => Promise<string[]>;
    tables: () => Promise<string[]>;
    drop: () => Promise<void>;
  }>;
}

const DIALECTS: readonly Dialect[] = [
  {
    name: 'SQLite',
    tags: [],
    database: async (dir) => {
      const file = path.join(dir, 'team.db');
      const query = async (sql: string): Promise<string[]> => {
        const { DatabaseSync } = await import('node:sqlite');
        const db = new DatabaseSync(file, { readOnly: true });
        try {
          return db.prepare(sql).all().map((row) => String(Object.values(row)[0]));
        } finally {
          db.close();
        }
      };
      return {
        url: `sqlite:///${file}`,
        sqlalchemyUrl: `sqlite:///${file}`,
        rows: () => query('SELECT version_num FROM alembic_version ORDER BY 1'),
        tables: () => query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('alembic_version', 'cgmigrate_audit') ORDER BY 1"),
        drop: async () => {},
      };
    },
  },
  {
    name: 'PostgreSQL',
    tags: ['postgres'],
    database: async () => {
      const db: TestDatabase = await createTestDatabase('cgm_team_history');
      const query = async (sql: string): Promise<string[]> =>
        (await queryTestDatabase<Record<string, unknown>>(db.url, sql)).map((row) => String(Object.values(row)[0]));
      return {
        url: db.url,
        sqlalchemyUrl: db.url.replace(/^postgresql:/, 'postgresql+psycopg2:'),
        rows: () => query('SELECT version_num FROM alembic_version ORDER BY 1'),
        tables: () =>
          query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('alembic_version', 'cgmigrate_audit') ORDER BY 1",
          ),
        drop: () => db.drop(),
      };
    },
  },
];

const lines = (text: string): string[] => text.split('\n').filter(Boolean).sort();

describe.each(DIALECTS)('relative steps across merges ($name)', (dialect) => {
  describe(dialect.name, { tags: dialect.tags }, () => {
    let dir = '';
    let database: Awaited<ReturnType<Dialect['database']>>;
    const cgDir = () => path.join(dir, 'cg');
    const alembicDir = () => path.join(dir, 'alembic');

    async function ok(args: string[]): Promise<RunResult> {
      const run = await cgmigrate(args, { cwd: cgDir(), env: { DATABASE_URL: database.url } });
      expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
      return run;
    }
    /** What Alembic 1.8.1 makes of the version table: `alembic current`, one line per row. */
    const alembicCurrent = (): string[] => lines(runAlembic(alembicDir(), 'current'));

    beforeAll(async () => {
      assertAlembicInstalled();
      dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-team-'));
      database = await dialect.database(dir);
      writeCgmigrateProject(path.join(cgDir(), 'migrations'), GRAPH);
      writeAlembicProject(alembicDir(), database.sqlalchemyUrl, GRAPH);
    });
    afterAll(async () => {
      await database?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('downgrade -1 at the merge undoes it and leaves both parents current, as Alembic reads them', async () => {
      await ok(['upgrade', 'head']);
      expect(await database.rows()).toEqual([M]);

      const run = await ok(['downgrade', '-1']);
      expect(run.stderr).toContain(`Running downgrade ${M} -> ${B1}, ${B2}, merge`);
      expect(await database.rows()).toEqual([B1, B2]);
      expect(lines((await ok(['current'])).stdout)).toEqual([B1, B2]);
      expect(alembicCurrent()).toEqual([B1, B2]);
      expect(await database.tables()).toEqual(['accounts', 'carts', 'invoices']);
    });

    it('downgrade -2 undoes the merge, then the migration downgrade base would run next; Alembic continues from there', async () => {
      await ok(['upgrade', 'head']);
      const json = (await ok(['downgrade', '-2', '--json'])).json<{ steps: { revision: string }[] }>();
      expect(json.steps.map((step) => step.revision)).toEqual([M, B1]);
      expect(await database.rows()).toEqual([B2]);
      expect(lines((await ok(['current'])).stdout)).toEqual([B2]);
      expect(alembicCurrent()).toEqual([B2]);
      expect(await database.tables()).toEqual(['accounts', 'invoices']);

      // Alembic takes over from the rows cgmigrate left, and cgmigrate from Alembic's.
      runAlembic(alembicDir(), 'upgrade', 'head');
      expect(lines((await ok(['current'])).stdout)).toEqual([`${M} (head) (mergepoint)`]);
      expect(await database.tables()).toEqual(['accounts', 'carts', 'invoices']);
    });

    it.each(MODES)('upgrade +1 at the branch point is refused with a command per branch, and each command works (%s)', async (mode) => {
      await ok(['downgrade', 'base']);
      await ok(['upgrade', '+1']);
      expect(await database.rows()).toEqual([A1]);

      const env = { DATABASE_URL: database.url };
      const { message, hint, run } = await fails(mode, ['upgrade', '+1'], cgDir(), { code: 'AMBIGUOUS_STEP', exit: 2 }, env);
      expect(message).toBe(`Relative step '+1' is ambiguous: from ${A1} it could go up to ${B1} or ${B2}`);
      if (mode === 'json') {
        expect(run.json<{ error: Record<string, unknown> }>().error).toMatchObject({
          target: '+1',
          at: A1,
          walk: 'up',
          choices: [
            { through: B1, target: B1 },
            { through: B2, target: B2 },
          ],
        });
      }
      const commands = [...(hint ?? '').matchAll(/`cgmigrate (upgrade \S+)`/g)].map((match) => match[1]!.split(' '));
      expect(commands).toEqual([
        ['upgrade', B1],
        ['upgrade', B2],
      ]);
      expect(await database.rows()).toEqual([A1]);

      for (const [i, command] of commands.entries()) {
        await ok(command);
        expect(await database.rows()).toEqual([[B1, B2][i]]);
        expect(alembicCurrent()).toEqual([[B1, B2][i]]);
        await ok(['downgrade', A1]);
      }
    });
  });
});

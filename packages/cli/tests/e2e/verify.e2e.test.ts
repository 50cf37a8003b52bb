import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, queryTestDatabase, testServerUrl, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, startCgmigrate, tempProject, type RunResult } from './cli.js';

const SCHEMAS = fileURLToPath(new URL('../../../../docs/json/', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as object);

/** The --json document of a verify run, checked against docs/json/verify.schema.json. */
function verifyJson<T>(result: RunResult): T {
  const validate = ajv.getSchema('https://cgmigrate.local/json/verify.schema.json')!;
  const document = result.json();
  expect(validate(document), `${ajv.errorsText(validate.errors)}\n${result.stdout}`).toBe(true);
  return document as T;
}

const ENTITIES = fileURLToPath(new URL('./fixtures/autogenerate/entities-v1.ts', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** One revision of the test graph: its SQL runs through `op.execute`, one statement per line. */
interface Rev {
  readonly id: string;
  readonly parent: string | readonly string[] | null;
  readonly dependsOn?: string;
  readonly label?: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** Milliseconds its up waits after its statements, to be interrupted. */
  readonly slowMs?: number;
}

/**
 * A graph with what teams have: two labelled branches from one base, a dependency across
 * them, a merge, a fork after it and a second merge, in SQL both SQLite and PostgreSQL run.
 */
const CLEAN: readonly Rev[] = [
  { id: 'a0', parent: null, up: ['CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)'], down: ['DROP TABLE users'] },
  { id: 'a1', parent: 'a0', label: 'accounts', up: ['ALTER TABLE users ADD COLUMN email TEXT'], down: ['ALTER TABLE users DROP COLUMN email'] },
  { id: 'b1', parent: 'a0', label: 'billing', up: ['CREATE TABLE invoices (id INTEGER PRIMARY KEY, user_id INTEGER)'], down: ['DROP TABLE invoices'] },
  { id: 'b2', parent: 'b1', dependsOn: 'a1', up: ['CREATE INDEX invoices_user_idx ON invoices (user_id)'], down: ['DROP INDEX invoices_user_idx'] },
  { id: 'm1', parent: ['a1', 'b2'], up: ['CREATE TABLE audit_log (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE audit_log'] },
  { id: 'c1', parent: 'm1', up: ['CREATE TABLE settings (k TEXT)'], down: ['DROP TABLE settings'] },
  { id: 'c2', parent: 'm1', up: ['CREATE TABLE flags (k TEXT)'], down: ['DROP TABLE flags'] },
  { id: 'm2', parent: ['c1', 'c2'], up: ['CREATE VIEW user_emails AS SELECT id, email FROM users'], down: ['DROP VIEW user_emails'] },
];

const fileOf = (id: string): string => `migrations/versions/${String(CLEAN.findIndex((rev) => rev.id === id)).padStart(2, '0')}_${id}.ts`;

function source(rev: Rev): string {
  const list = (value: string | readonly string[]) => (typeof value === 'string' ? `'${value}'` : `[${value.map((v) => `'${v}'`).join(', ')}]`);
  const body = (statements: readonly string[]) => statements.map((sql) => `    await op.execute(${JSON.stringify(sql)});\n`).join('');
  return (
    'export default {\n' +
    `  revision: '${rev.id}',\n` +
    `  downRevision: ${rev.parent === null ? 'null' : list(rev.parent)},\n` +
    (rev.dependsOn === undefined ? '' : `  dependsOn: '${rev.dependsOn}',\n`) +
    (rev.label === undefined ? '' : `  branchLabels: '${rev.label}',\n`) +
    `  message: 'migration ${rev.id}',\n` +
    `  async up(op) {\n${body(rev.up)}${rev.slowMs === undefined ? '' : `    await new Promise((resolve) => setTimeout(resolve, ${rev.slowMs}));\n`}  },\n` +
    `  async down(op) {\n${body(rev.down)}  },\n` +
    '};\n'
  );
}

/** A project holding the graph, with `change` applied to it (a planted fault), and optionally entities in its config. */
function project(change: (revs: Rev[]) => Rev[] = (revs) => revs, options: { entities?: boolean } = {}): { dir: string; cleanup: () => void } {
  const made = tempProject();
  mkdirSync(path.join(made.dir, 'migrations', 'versions'), { recursive: true });
  mkdirSync(path.join(made.dir, 'tmp'));
  const revs = change(CLEAN.map((rev) => ({ ...rev })));
  for (const rev of revs) {
    const index = CLEAN.findIndex((clean) => clean.id === rev.id);
    const name = index === -1 ? `99_${rev.id}.ts` : path.basename(fileOf(rev.id));
    writeFileSync(path.join(made.dir, 'migrations', 'versions', name), source(rev));
  }
  if (options.entities) {
    symlinkSync(REPO_NODE_MODULES, path.join(made.dir, 'node_modules'), 'dir');
    copyFileSync(ENTITIES, path.join(made.dir, 'entities.ts'));
    writeFileSync(path.join(made.dir, 'cgmigrate.config.ts'), "import { entities } from './entities.ts';\n\nexport default { entities };\n");
  }
  return made;
}

const replace = (id: string, changes: Partial<Rev>) => (revs: Rev[]) => revs.map((rev) => (rev.id === id ? { ...rev, ...changes } : rev));

/** The planted faults, each with what verify must say about it. */
const FAULTS = [
  {
    name: 'a down() that leaves a column',
    change: replace('a1', { down: ['SELECT 1'] }),
    code: 'VERIFY_DOWN_LEFT_TRACE',
    revision: 'a1',
    expected: [/left column users\.email/],
  },
  {
    name: 'a down() that drops the wrong table',
    change: replace('c2', { down: ['DROP TABLE audit_log'] }),
    code: 'VERIFY_DOWN_LEFT_TRACE',
    revision: 'c2',
    expected: [/table flags/, /no table audit_log/],
  },
  {
    name: 'a migration that fails only on its second up (its down leaves the row it inserted)',
    change: replace('c1', { up: ['CREATE TABLE settings (k TEXT)', "INSERT INTO users (id, name) VALUES (1, 'admin')"] }),
    code: 'VERIFY_SECOND_UP_FAILED',
    revision: 'c1',
    expected: [/second up/, /INSERT INTO users \(id, name\) VALUES \(1, 'admin'\)/],
  },
  {
    name: 'two heads',
    change: (revs: Rev[]) => [...revs, { id: 'x1', parent: 'm2', up: ['SELECT 1'], down: ['SELECT 1'] }, { id: 'x2', parent: 'm2', up: ['SELECT 1'], down: ['SELECT 1'] }],
    code: 'VERIFY_MULTIPLE_HEADS',
    revision: 'x1',
    expected: [/2 heads/, /x2 \(migrations\/versions\/99_x2\.ts\)/],
  },
  {
    name: 'two branches of a merge that rewrite the same column',
    change: (revs: Rev[]) =>
      revs.map((rev) =>
        rev.id === 'c1'
          ? { ...rev, up: [...rev.up, "UPDATE users SET name = upper(name)"] }
          : rev.id === 'c2'
            ? { ...rev, up: [...rev.up, "UPDATE users SET name = lower(name)"] }
            : rev,
      ),
    code: 'VERIFY_BRANCH_CONFLICT',
    revision: 'c2',
    expected: [/c1 \(migrations\/versions\/05_c1\.ts\)/, /users\.name/],
  },
] as const;

interface Dialect {
  readonly name: string;
  readonly tags: readonly string[];
  /** The configured database's URL (`DATABASE_URL`) for a project. */
  url(dir: string): string;
  /** What the configured database holds, to show verify left it as it was. */
  state(dir: string): Promise<string>;
  /** An empty database of the user's own for `--shadow-url`, and a way to put a table in it. */
  shadow(dir: string): Promise<{ url: string; put(sql: string): Promise<void>; tables(): Promise<string[]> }>;
  /** Databases verify left on the server (none for SQLite, whose files are checked by path). */
  leftovers(result: RunResult, dir: string): Promise<string[]>;
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
}

let pgDatabase: TestDatabase | undefined;
const shadows: TestDatabase[] = [];

const dialects: readonly Dialect[] = [
  {
    name: 'SQLite',
    tags: [],
    url: (dir) => `sqlite:///${path.join(dir, 'app.db')}`,
    state: async (dir) => (existsSync(path.join(dir, 'app.db')) ? createHash('sha256').update(readFileSync(path.join(dir, 'app.db'))).digest('hex') : 'absent'),
    shadow: async (dir) => {
      const file = path.join(dir, 'shadow.db');
      const withDb = <T>(work: (db: DatabaseSync) => T): T => {
        const db = new DatabaseSync(file);
        try {
          return work(db);
        } finally {
          db.close();
        }
      };
      return {
        url: `sqlite:///${file}`,
        put: async (sql) => withDb((db) => db.exec(sql)),
        tables: async () => withDb((db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => String(row['name']))),
      };
    },
    // Each project's runs get a temporary folder of their own (TMPDIR): what verify leaves there is found by name.
    leftovers: async (_result, dir) => readdirSync(path.join(dir, 'tmp')).filter((name) => name.startsWith('cgmigrate-verify-')),
  },
  {
    name: 'PostgreSQL',
    tags: ['postgres'],
    url: () => pgDatabase!.url,
    state: async () =>
      JSON.stringify(
        await queryTestDatabase(
          pgDatabase!.url,
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
        ),
      ) + JSON.stringify(await queryTestDatabase(pgDatabase!.url, 'SELECT version_num FROM alembic_version ORDER BY 1')),
    shadow: async () => {
      const shadow = await createTestDatabase('cgm_vfy_shadow');
      shadows.push(shadow);
      return {
        url: shadow.url,
        put: async (sql) => void (await queryTestDatabase(shadow.url, sql)),
        tables: async () =>
          (await queryTestDatabase<{ name: string }>(shadow.url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).map((row) => row.name),
      };
    },
    leftovers: async () =>
      (await queryTestDatabase<{ datname: string }>(testServerUrl(), "SELECT datname FROM pg_database WHERE datname LIKE 'cgmigrate\\_verify\\_%'")).map(
        (row) => row.datname,
      ),
    setUp: async () => {
      pgDatabase = await createTestDatabase('cgm_vfy_e2e');
    },
    tearDown: async () => {
      await pgDatabase?.drop();
      for (const shadow of shadows) await shadow.drop();
    },
  },
];

for (const dialect of dialects) {
  describe(`cgmigrate verify on ${dialect.name}`, { tags: [...dialect.tags] }, () => {
    beforeAll(async () => dialect.setUp?.());
    afterAll(async () => dialect.tearDown?.());

    /** Upgrades the configured database to a1 (so it holds something), runs verify, and checks the database was not touched. */
    async function verifyProject(dir: string, args: readonly string[] = []): Promise<RunResult> {
      const env = { DATABASE_URL: dialect.url(dir), TMPDIR: path.join(dir, 'tmp') };
      if (dialect.name === 'PostgreSQL') await queryTestDatabase(pgDatabase!.url, 'DROP TABLE IF EXISTS alembic_version, cgmigrate_audit, users CASCADE');
      const upgraded = await cgmigrate(['upgrade', 'a1'], { cwd: dir, env });
      const before = await dialect.state(dir);
      const result = await cgmigrate(['verify', ...args], { cwd: dir, env });
      if (upgraded.code === 0) expect(await dialect.state(dir), 'the configured database must be untouched').toBe(before);
      expect(await dialect.leftovers(result, dir), 'the throwaway database must be gone').toEqual([]);
      return result;
    }

    it('verifies a clean graph with branches, branch labels, a cross-branch dependsOn and merges', async () => {
      const app = project();
      try {
        const result = await verifyProject(app.dir);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toBe('');
        for (const rev of CLEAN) expect(result.stderr).toContain(`${rev.id} ${fileOf(rev.id)}: up, down (no trace), up`);
        expect(result.stderr).toContain('Verified: 8 revisions went up, down and up again, and every check passed.');

        const json = await verifyProject(app.dir, ['--json']);
        expect(json.code).toBe(0);
        const document = verifyJson<{ ok: boolean; stairway: string[]; checks: { check: string; status: string }[] }>(json);
        expect(document.ok).toBe(true);
        expect(document.stairway).toHaveLength(8);
        expect(document.checks.map((check) => `${check.check} ${check.status}`)).toEqual([
          'graph passed', 'upgrade passed', 'stairway passed', 'entities skipped', 'downgrade passed',
        ]);
      } finally {
        app.cleanup();
      }
    });

    it('runs the stairway only over what a branch adds with --from', async () => {
      const app = project();
      try {
        const result = await verifyProject(app.dir, ['--from', 'm1', '--json']);
        expect(result.code, result.stdout).toBe(0);
        expect(verifyJson<{ stairway: string[]; from: string }>(result)).toMatchObject({ from: 'm1', stairway: expect.arrayContaining(['c1', 'c2', 'm2']) });
        expect(result.json<{ stairway: string[] }>().stairway).toHaveLength(3);
      } finally {
        app.cleanup();
      }
    });

    for (const fault of FAULTS) {
      it(`names the revision and its file for ${fault.name}, also with --quiet and --json`, async () => {
        const app = project(fault.change);
        try {
          const quiet = await verifyProject(app.dir, ['--quiet']);
          expect(quiet.code, quiet.stdout + quiet.stderr).toBe(1);
          expect(quiet.stderr).toBe('');
          expect(quiet.stdout).toContain(`${fault.code}: `);
          const file = fault.revision.startsWith('x') ? `migrations/versions/99_${fault.revision}.ts` : fileOf(fault.revision);
          expect(quiet.stdout).toContain(`${fault.revision} (${file})`);
          for (const pattern of fault.expected) expect(quiet.stdout).toMatch(pattern);

          const json = await verifyProject(app.dir, ['--json']);
          expect(json.code).toBe(1);
          const [finding] = verifyJson<{ findings: { code: string; path?: string; paths?: string[]; revision?: string; revisions?: string[] }[] }>(json).findings;
          expect(finding?.code).toBe(fault.code);
          expect([finding?.revision, ...(finding?.revisions ?? [])]).toContain(fault.revision);
          expect([finding?.path, ...(finding?.paths ?? [])].some((p) => p?.endsWith(file))).toBe(true);
        } finally {
          app.cleanup();
        }
      });
    }

    it('passes two heads the config declares as expectedHeads, and names a head it does not', async () => {
      const twoHeads = FAULTS.find((fault) => fault.code === 'VERIFY_MULTIPLE_HEADS')!;
      const app = project(twoHeads.change);
      try {
        writeFileSync(path.join(app.dir, 'cgmigrate.config.json'), JSON.stringify({ expectedHeads: ['x1', 'x2'] }));
        const declared = await verifyProject(app.dir, ['--quiet']);
        expect(declared.code, declared.stdout + declared.stderr).toBe(0);

        writeFileSync(path.join(app.dir, 'cgmigrate.config.json'), JSON.stringify({ expectedHeads: ['x1'] }));
        const undeclared = await verifyProject(app.dir, ['--quiet']);
        expect(undeclared.code, undeclared.stdout + undeclared.stderr).toBe(1);
        expect(undeclared.stdout).toContain('VERIFY_UNEXPECTED_HEADS: ');
        expect(undeclared.stdout).toContain('x2 (migrations/versions/99_x2.ts)');
      } finally {
        app.cleanup();
      }
    });

    it('reports entities that differ from what the migrations make', async () => {
      const app = project(undefined, { entities: true });
      try {
        const result = await verifyProject(app.dir, ['--quiet']);
        expect(result.code, result.stdout + result.stderr).toBe(1);
        expect(result.stdout).toContain('VERIFY_ENTITIES_DIFFER: After upgrading to the heads, the schema differs from the entities');
        expect(result.stdout).toMatch(/Detected added table '(public\.)?user'/);
      } finally {
        app.cleanup();
      }
    });

    it('uses an empty shadow database and leaves it at base; refuses one that holds something, naming it', async () => {
      const app = project();
      try {
        const shadow = await dialect.shadow(app.dir);
        const passed = await verifyProject(app.dir, ['--shadow-url', shadow.url]);
        expect(passed.code, passed.stdout + passed.stderr).toBe(0);
        expect(passed.stderr).toContain('Verifying on the shadow database');
        expect(await shadow.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);

        // Run again on what it left: cgmigrate's own tables at base do not count.
        expect((await verifyProject(app.dir, ['--shadow-url', shadow.url, '--quiet'])).code).toBe(0);

        await shadow.put('CREATE TABLE junk (id INTEGER)');
        const refused = await verifyProject(app.dir, ['--shadow-url', shadow.url]);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain('SHADOW_DATABASE_UNUSABLE');
        expect(refused.stderr).toContain('is not empty: it holds table junk');
        expect(await shadow.tables()).toEqual(['alembic_version', 'cgmigrate_audit', 'junk']);
      } finally {
        app.cleanup();
      }
    });

    it('drops the throwaway database when interrupted, and says the configured database was not touched', async () => {
      const app = project(replace('c1', { slowMs: 1500 }));
      try {
        const env = { DATABASE_URL: dialect.url(app.dir), TMPDIR: path.join(app.dir, 'tmp') };
        const running = startCgmigrate(['verify'], { cwd: app.dir, env });
        await running.until('[6/8]');
        running.child.kill('SIGINT');
        const result = await running.done;
        expect(result.code).toBe(130);
        expect(result.stderr).toContain('Interrupted: verify stopped and dropped its throwaway database');
        expect(await dialect.leftovers(result, app.dir)).toEqual([]);
      } finally {
        app.cleanup();
      }
    });

    if (dialect.name === 'PostgreSQL') {
      // A down that recreates what its up dropped in other words: a default `CURRENT_TIMESTAMP` for
      // `now()`, a foreign key `ON DELETE RESTRICT` for the default NO ACTION. The catalogs differ;
      // MikroORM's introspection, which decides, sees the same schema.
      const respelled = (options: { forgetForeignKey?: boolean } = {}) => (revs: Rev[]): Rev[] => [
        ...revs,
        {
          id: 'd0',
          parent: 'm2',
          up: ['ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()', 'ALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id)'],
          down: ['ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_user_fk', 'ALTER TABLE users DROP COLUMN created_at'],
        },
        {
          id: 'd1',
          parent: 'd0',
          up: ['ALTER TABLE invoices DROP CONSTRAINT invoices_user_fk', 'ALTER TABLE users DROP COLUMN created_at'],
          down: [
            'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP',
            ...(options.forgetForeignKey ? [] : ['ALTER TABLE invoices ADD CONSTRAINT invoices_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT']),
          ],
        },
      ];

      it('passes a down that recreates the schema in other words, as MikroORM sees it, and drops the second database', async () => {
        const app = project(respelled());
        try {
          const result = await verifyProject(app.dir);
          expect(result.code, result.stdout + result.stderr).toBe(0);
          expect(result.stderr).toContain('d1 migrations/versions/99_d1.ts: up, down (no trace), up');
          expect(result.stderr).toContain('Verified: 10 revisions went up, down and up again, and every check passed.');
        } finally {
          app.cleanup();
        }
      });

      it('names what a down left as MikroORM describes it, not what it only spelled differently, and drops the second database', async () => {
        const app = project(respelled({ forgetForeignKey: true }));
        try {
          const result = await verifyProject(app.dir, ['--json']);
          expect(result.code, result.stdout + result.stderr).toBe(1);
          const [finding] = verifyJson<{ findings: { code: string; revision: string; message: string; note?: string; changes: unknown[] }[] }>(result).findings;
          expect(finding).toMatchObject({ code: 'VERIFY_DOWN_LEFT_TRACE', revision: 'd1' });
          expect(finding?.message).toBe(
            `The down of d1 (${path.join(app.dir, 'migrations/versions/99_d1.ts')}) left no foreign key invoices_user_fk on invoices (dropped, or not recreated)`,
          );
          expect(finding?.note).toBeUndefined();
          expect(finding?.changes).toHaveLength(1);
        } finally {
          app.cleanup();
        }
      });

      it('drops the second database when building the schema again fails in it, and falls back to the catalogs, saying why', async () => {
        // The first migration fails where a second verify database exists: in the rebuild only.
        const failsInSecond =
          "DO $$ BEGIN IF (SELECT count(*) FROM pg_database WHERE datname LIKE 'cgmigrate!_verify!_%' ESCAPE '!') > 1 " +
          "THEN RAISE EXCEPTION 'not in a second verify database'; END IF; END $$";
        const app = project((revs) => respelled({ forgetForeignKey: true })(replace('a0', { up: [...CLEAN[0]!.up, failsInSecond] })(revs)));
        try {
          const result = await verifyProject(app.dir, ['--quiet']);
          expect(result.code, result.stdout + result.stderr).toBe(1);
          expect(result.stdout).toContain('VERIFY_DOWN_LEFT_TRACE: The down of d1');
          expect(result.stdout).toContain('building the schema before the up again in a second database failed: The up of a0');
          expect(result.stdout).toContain('not in a second verify database');
        } finally {
          app.cleanup();
        }
      });

      it('falls back to the catalogs, and says so, on a shadow database whose user may not create the second database', async () => {
        const app = project(respelled({ forgetForeignKey: true }));
        const role = `cgm_vfy_nocreatedb_${process.pid}`;
        await queryTestDatabase(testServerUrl(), `CREATE ROLE ${role} LOGIN NOCREATEDB`);
        const shadow = await createTestDatabase('cgm_vfy_shadow');
        try {
          await queryTestDatabase(testServerUrl(), `ALTER DATABASE "${shadow.name}" OWNER TO ${role}`);
          await queryTestDatabase(shadow.url, `ALTER SCHEMA public OWNER TO ${role}`);
          const shadowUrl = new URL(shadow.url);
          shadowUrl.username = role;
          const result = await verifyProject(app.dir, ['--shadow-url', shadowUrl.toString(), '--quiet']);
          expect(result.code, result.stdout + result.stderr).toBe(1);
          expect(result.stdout).toContain('VERIFY_DOWN_LEFT_TRACE: The down of d1');
          expect(result.stdout).toContain('no foreign key invoices_user_fk on invoices');
          expect(result.stdout).toMatch(/column users\.created_at changed: definition timestamp with time zone not null default now\(\) -> timestamp with time zone not null default CURRENT_TIMESTAMP/);
          expect(result.stdout).toContain("(compared by catalog snapshots only, not by the postgresql adapter's introspection: creating a second database");
          expect(result.stdout).toContain('permission denied to create database');
        } finally {
          await shadow.drop();
          await queryTestDatabase(testServerUrl(), `DROP ROLE IF EXISTS ${role}`);
          app.cleanup();
        }
      });
    }

    it('refuses a shadow database that is the configured database, without touching it', async () => {
      const app = project();
      try {
        const result = await verifyProject(app.dir, ['--shadow-url', dialect.url(app.dir)]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('SHADOW_DATABASE_UNUSABLE');
        expect(result.stderr).toContain('is the configured database itself');
      } finally {
        app.cleanup();
      }
    });
  });
}

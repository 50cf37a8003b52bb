import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tables as sqliteTables, tempProject } from './cli.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/autogenerate/', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
/** `check` and `revision` against a database behind head exit with the status for a finding. */
const CHECK_FAILED = 1;

interface Dialect {
  readonly name: string;
  /** Vitest tags: `postgres` skips the tests, with the reason, when the test command has no server for them. */
  readonly tags: readonly string[];
  /** How changes name tables: PostgreSQL's are schema-qualified. */
  readonly schema: string;
  /** The integer type as the dialect names it. */
  readonly integer: string;
  url(): string;
  tables(): Promise<string[]>;
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
}

/** A project whose config points `entities` at `entities.ts` (copied from a fixture) and formats new files with a hook. */
function entitiesProject(hooks: string): { dir: string; cleanup: () => void; useEntities(version: 'v1' | 'v2'): void; versions(): string[] } {
  const { dir, cleanup } = tempProject();
  // The config imports @mikro-orm/core as a service's would: from the project's node_modules.
  symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const script of ['prepend-comment.mjs', 'fail.mjs']) copyFileSync(path.join(FIXTURES, script), path.join(dir, script));
  writeFileSync(
    path.join(dir, 'cgmigrate.config.ts'),
    "import { entities } from './entities.ts';\n\n" +
      `export default { entities, postWriteHooks: ${hooks} };\n`,
  );
  return {
    dir,
    cleanup,
    useEntities: (version) => copyFileSync(path.join(FIXTURES, `entities-${version}.ts`), path.join(dir, 'entities.ts')),
    versions: () => readdirSync(path.join(dir, 'migrations', 'versions')).filter((name) => name.endsWith('.ts')).sort(),
  };
}

const FORMAT_HOOK = "[{ name: 'prepend-comment', command: process.execPath, args: ['prepend-comment.mjs', '{file}'] }]";

const dialects: Dialect[] = [
  (() => {
    let project: ReturnType<typeof tempProject> | undefined;
    const file = () => path.join(project!.dir, 'app.db');
    return {
      name: 'SQLite',
      tags: [],
      schema: '',
      integer: 'integer',
      // An absolute path: sqlite:////tmp/…/app.db
      url: () => `sqlite:///${file()}`,
      tables: async () => sqliteTables(file()),
      async setUp() {
        project = tempProject();
      },
      async tearDown() {
        project?.cleanup();
      },
    };
  })(),
  (() => {
    let db: TestDatabase | undefined;
    return {
      name: 'PostgreSQL',
      tags: ['postgres'],
      schema: 'public.',
      integer: 'int',
      url: () => db!.url,
      async tables() {
        const client = new pg.Client({ connectionString: db!.url });
        await client.connect();
        try {
          const result = (await client.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
          )) as { rows: { table_name: string }[] };
          return result.rows.map((row) => row.table_name);
        } finally {
          await client.end();
        }
      },
      async setUp() {
        db = await createTestDatabase('cgmigrate_cli_autogen');
      },
      async tearDown() {
        await db?.drop();
      },
    };
  })(),
];

for (const dialect of dialects) describe(`revision --autogenerate and check through the CLI on ${dialect.name}`, { tags: [...dialect.tags] }, () => {
  beforeAll(async () => dialect.setUp?.());
  afterAll(async () => dialect.tearDown?.());

  it('follows the entities from an empty database to a second model and back to base', async () => {
    const app = entitiesProject(FORMAT_HOOK);
    const q = dialect.schema;
    const run = (...args: string[]) => cgmigrate(args, { cwd: app.dir, env: { DATABASE_URL: dialect.url() } });
    try {
      app.useEntities('v1');
      const first = await run('revision', '--autogenerate', '-m', 'Create users');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain(`Detected added table '${q}user'`);
      expect(first.stderr).toContain("Running post-write hook 'prepend-comment' on");
      const firstFile = first.stdout.trim();
      expect(readFileSync(firstFile, 'utf8')).toMatch(/^\/\/ checked by prepend-comment\n/);

      expect((await run('upgrade', 'head')).code).toBe(0);
      const clean = await run('check');
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stderr).toContain('its schema matches the entities');

      // The model changes: check fails and names each change, one line each, and as data with --json.
      app.useEntities('v2');
      const drift = await run('check');
      expect(drift.code).toBe(CHECK_FAILED);
      expect(drift.stdout.trim().split('\n').sort()).toEqual([
        `Detected added column '${q}user.age': ${dialect.integer} null`,
        `Detected added index 'user_name_index' on '${q}user': name`,
        `Detected added table '${q}post'`,
        `Detected changed column '${q}user.name': nullable not null -> null`,
      ]);
      const json = await run('check', '--json');
      expect(json.code).toBe(CHECK_FAILED);
      const result = json.json<{ ok: boolean; drift: { action: string; object: string; name: string; table?: string }[]; problems: { code: string; message: string }[] }>();
      expect(result.ok).toBe(false);
      expect(result.problems.map((problem) => problem.code)).toEqual(['SCHEMA_DRIFT', 'SCHEMA_DRIFT', 'SCHEMA_DRIFT', 'SCHEMA_DRIFT']);
      expect(result.drift.map(({ action, object, name, table }) => `${action} ${object} ${table ? `${table}.` : ''}${name}`).sort()).toEqual([
        `add column ${q}user.age`,
        `add index ${q}user.user_name_index`,
        `add table ${q}post`,
        `modify column ${q}user.name`,
      ]);

      const second = await run('revision', '--autogenerate', '-m', 'Posts and ages');
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain(`Detected added table '${q}post'`);
      expect(app.versions()).toHaveLength(2);
      expect((await run('upgrade', 'head')).code).toBe(0);
      expect((await run('check')).code).toBe(0);
      expect((await run('revision', '--autogenerate', '-m', 'Nothing')).stderr).toContain('No changes in schema detected.');
      expect(app.versions()).toHaveLength(2);

      const down = await run('downgrade', 'base');
      expect(down.code, down.stderr).toBe(0);
      expect(await dialect.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);

      // Behind head: autogenerate refuses, says why and what to do, and writes nothing.
      const behind = await run('revision', '--autogenerate', '-m', 'Too early');
      expect(behind.code).toBe(CHECK_FAILED);
      expect(behind.stderr).toContain('Target database is not up to date.');
      expect(behind.stderr).toContain('Run `cgmigrate upgrade head` first.');
      expect(behind.stdout).toBe('');
      expect(app.versions()).toHaveLength(2);
    } finally {
      app.cleanup();
    }
    // Twelve CLI runs, two of them comparing with a PostgreSQL database: more than the default timeout on a busy machine.
  }, 120_000);
});

describe('post-write hooks through the CLI', () => {
  it('keeps the file, reports it and the failing hook, and exits 1', async () => {
    const app = entitiesProject(
      `[{ name: 'prepend-comment', command: process.execPath, args: ['prepend-comment.mjs'] }, ` +
        `{ name: 'prettier', command: process.execPath, args: ['fail.mjs', '{file}'] }]`,
    );
    try {
      app.useEntities('v1');
      const result = await cgmigrate(['revision', '-m', 'Add scans'], { cwd: app.dir });
      expect(result.code).toBe(1);
      const file = result.stdout.trim();
      expect(existsSync(file)).toBe(true);
      expect(app.versions()).toEqual([path.basename(file)]);
      expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ checked by prepend-comment\n/);
      expect(result.stderr).toContain(`Generating ${file} ... done`);
      expect(result.stderr).toContain(`Running post-write hook 'prepend-comment' on ${file} ... done`);
      expect(result.stderr).toContain(`Post-write hook 'prettier' failed on ${file}:`);
      expect(result.stderr).toContain('exited with status 2:\nprettier: SyntaxError: Unexpected token (3:1)');
      expect(result.stderr).toContain('The migration file was written and is kept');
    } finally {
      app.cleanup();
    }
  });

  it('refuses an invalid hook in the config before writing anything', async () => {
    const app = entitiesProject("[{ cmd: 'prettier' }]");
    try {
      app.useEntities('v1');
      const result = await cgmigrate(['revision', '-m', 'Add scans'], { cwd: app.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("'postWriteHooks' must be an array of hooks (entry 0: an object with the keys command, args, name, cwd, timeoutMs (not 'cmd'))");
      expect(app.versions()).toEqual([]);
    } finally {
      app.cleanup();
    }
  });
});

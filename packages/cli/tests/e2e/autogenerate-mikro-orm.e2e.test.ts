import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, fails, tables as sqliteTables, tempProject } from './cli.js';

/**
 * `revision --format mikro-orm` through the built CLI on real databases: the MikroORM
 * migration class it writes (with and without --autogenerate), read back by `history`
 * and `heads` from its static members, run by `upgrade` and `downgrade`, and what it
 * refuses. The file's text against MikroORM's own generator is the kit's unit test.
 */

const FIXTURES = fileURLToPath(new URL('./fixtures/autogenerate/', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
/** `Migration<YYYYMMDDHHMMSS>`, then `_<slug>` when -m was given: MikroORM's migration:create names. */
const CLASS_FILE = /^Migration\d{14}(?:_[a-z0-9_]+)?\.ts$/;

interface Dialect {
  readonly name: string;
  readonly tags: readonly string[];
  /** How changes name tables: PostgreSQL's are schema-qualified. */
  readonly schema: string;
  url(): string;
  tables(): Promise<string[]>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

/** A project whose `entities` come from a fixture, and whose config may replace the adapter. */
function entitiesProject(config = "import { entities } from './entities.ts';\n\nexport default { entities };\n") {
  const { dir, cleanup } = tempProject();
  symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), config);
  return {
    dir,
    cleanup,
    useEntities: (version: 'v1' | 'v2') => copyFileSync(path.join(FIXTURES, `entities-${version}.ts`), path.join(dir, 'entities.ts')),
    versions: () => readdirSync(versions).filter((name) => name.endsWith('.ts')).sort(),
  };
}

const dialects: Dialect[] = [
  (() => {
    let project: ReturnType<typeof tempProject> | undefined;
    const file = () => path.join(project!.dir, 'app.db');
    return {
      name: 'SQLite',
      tags: [],
      schema: '',
      url: () => `sqlite:///${file()}`,
      tables: async () => sqliteTables(file()),
      setUp: async () => void (project = tempProject()),
      tearDown: async () => project?.cleanup(),
    };
  })(),
  (() => {
    let db: TestDatabase | undefined;
    return {
      name: 'PostgreSQL',
      tags: ['postgres'],
      schema: 'public.',
      url: () => db!.url,
      async tables() {
        const client = new pg.Client({ connectionString: db!.url });
        await client.connect();
        try {
          const result = (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) as {
            rows: { table_name: string }[];
          };
          return result.rows.map((row) => row.table_name);
        } finally {
          await client.end();
        }
      },
      setUp: async () => void (db = await createTestDatabase('cgmigrate_cli_mikro_format')),
      tearDown: async () => db?.drop(),
    };
  })(),
];

interface RevisionJson {
  readonly id: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
  readonly path: string;
}

for (const dialect of dialects) {
  describe(`revision --format mikro-orm through the CLI on ${dialect.name}`, { tags: [...dialect.tags] }, () => {
    beforeAll(async () => dialect.setUp());
    afterAll(async () => dialect.tearDown());

    it('writes MikroORM migration classes that history and heads read, and upgrade and downgrade run', async () => {
      const app = entitiesProject();
      const q = dialect.schema;
      const run = (...args: string[]) => cgmigrate(args, { cwd: app.dir, env: { DATABASE_URL: dialect.url() } });
      try {
        app.useEntities('v1');
        const first = await run('revision', '--autogenerate', '--format', 'mikro-orm', '-m', 'Create users');
        expect(first.code, first.stderr).toBe(0);
        expect(first.stderr).toContain(`Detected added table '${q}user'`);
        const firstFile = first.stdout.trim();
        expect(path.basename(firstFile)).toMatch(CLASS_FILE);
        expect(path.basename(firstFile)).toMatch(/_create_users\.ts$/);
        const firstClass = path.basename(firstFile, '.ts');
        const firstSource = readFileSync(firstFile, 'utf8');
        expect(firstSource).toMatch(
          new RegExp(
            "^import \\{ Migration \\} from '@mikro-orm/migrations';\\n\\n" +
              `export class ${firstClass} extends Migration \\{\\n\\n` +
              "  static revision = '([0-9a-f]{12})';\\n" +
              '  static downRevision = null;\\n' +
              "  static message = 'Create users';\\n\\n" +
              `  override name = '${firstClass}';\\n\\n` +
              '  override up\\(\\): void \\| Promise<void> \\{\\n' +
              '    this\\.addSql\\(`create table ',
          ),
        );
        expect(firstSource).toContain('  override down(): void | Promise<void> {\n    this.addSql(`drop table');
        const firstId = /static revision = '(\w+)'/.exec(firstSource)![1]!;

        // Read from the statics alone, before anything ran.
        const history = await run('history', '--json');
        expect(history.code, history.stderr).toBe(0);
        expect(history.json<{ revisions: RevisionJson[] }>().revisions).toMatchObject([{ id: firstId, downRevisions: [], message: 'Create users', path: firstFile }]);
        const heads = await run('heads');
        expect(heads.stdout.trim()).toBe(`${firstId} (head)`);

        const upgraded = await run('upgrade', 'head');
        expect(upgraded.code, upgraded.stderr).toBe(0);
        expect(upgraded.stderr).toContain(`Running upgrade  -> ${firstId}, Create users`);
        expect(await dialect.tables()).toEqual(['alembic_version', 'cgmigrate_audit', 'user']);
        expect((await run('check')).code).toBe(0);

        // Without -m: no static message, the file named by its timestamp alone, the class's name as the message.
        app.useEntities('v2');
        const second = await run('revision', '--autogenerate', '--format', 'mikro-orm');
        expect(second.code, second.stderr).toBe(0);
        expect(second.stderr).toContain(`Detected added table '${q}post'`);
        const secondFile = second.stdout.trim();
        expect(path.basename(secondFile)).toMatch(/^Migration\d{14}\.ts$/);
        const secondClass = path.basename(secondFile, '.ts');
        const secondSource = readFileSync(secondFile, 'utf8');
        expect(secondSource).toContain(`  static downRevision = '${firstId}';\n\n  override name = '${secondClass}';`);
        expect(secondSource).not.toContain('static message');
        const secondId = /static revision = '(\w+)'/.exec(secondSource)![1]!;
        if (dialect.name === 'SQLite') {
          // The user table is rebuilt: the checks a cgmigrate migration would run around it are notes atop up() instead.
          expect(secondSource).toContain('    // REVIEW: cgmigrate autogenerate could not decide the following; check them before running this migration.\n');
          const notes = secondSource.replace(/\n {4}\/\/ {3}/g, ' ');
          expect(notes).toMatch(/\/\/ - SQLite table rebuild: .* This file cannot check it as a cgmigrate-format migration would; after up\(\), this query must return no rows: select /);
          expect(second.stderr).toContain('Review the migration: SQLite table rebuild:');
        }
        const secondJson = await run('heads', '--json');
        expect(secondJson.json<{ revisions: RevisionJson[] }>().revisions).toMatchObject([{ id: secondId, downRevisions: [firstId], message: secondClass }]);

        // Without --autogenerate: MikroORM's blank migration (`select 1` both ways); a branch label is a static member too.
        const blank = await run('revision', '--format', 'mikro-orm', '-m', 'Nothing yet', '--branch-label', 'later');
        expect(blank.code, blank.stderr).toBe(0);
        const blankSource = readFileSync(blank.stdout.trim(), 'utf8');
        expect(blankSource).toContain("  static branchLabels = 'later';\n  static message = 'Nothing yet';\n");
        expect(blankSource).toContain('  override up(): void | Promise<void> {\n    this.addSql(`select 1`);\n  }');
        expect(blankSource).toContain('  override down(): void | Promise<void> {\n    this.addSql(`select 1`);\n  }');
        const blankJson = await run('heads', '--json');
        expect(blankJson.json<{ revisions: (RevisionJson & { branchLabels: string[] })[] }>().revisions).toMatchObject([
          { downRevisions: [secondId], branchLabels: ['later'], message: 'Nothing yet' },
        ]);
        expect(app.versions()).toHaveLength(3);
        expect(app.versions().every((name) => CLASS_FILE.test(name))).toBe(true);

        expect((await run('upgrade', 'head')).code).toBe(0);
        expect(await dialect.tables()).toEqual(['alembic_version', 'cgmigrate_audit', 'post', 'user']);
        expect((await run('check')).code).toBe(0);
        const history2 = await run('history');
        // The branch label shows on every revision of its branch, as Alembic shows it.
        expect(history2.stdout.trim().split('\n')).toEqual([
          expect.stringMatching(new RegExp(`^${secondId} -> \\w+ \\(later\\) \\(head\\), Nothing yet$`)),
          `${firstId} -> ${secondId} (later), ${secondClass}`,
          `<base> -> ${firstId} (later), Create users`,
        ]);

        const down = await run('downgrade', 'base');
        expect(down.code, down.stderr).toBe(0);
        expect(await dialect.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);
      } finally {
        app.cleanup();
      }
      // Eleven CLI runs, several comparing with a PostgreSQL database: more than the default timeout on a busy machine.
    }, 120_000);
  });
}

describe('revision --format mikro-orm refuses', () => {
  it('schema operations, before comparing anything (MIGRATION_FORMAT_NOT_SUPPORTED, exit 2)', async () => {
    const app = entitiesProject();
    try {
      app.useEntities('v1');
      for (const mode of ['human', 'json'] as const) {
        const { message, hint } = await fails(
          mode,
          ['revision', '--autogenerate', '--format', 'mikro-orm', '--as', 'operations', '--url', 'sqlite:///never-opened.db'],
          app.dir,
          { code: 'MIGRATION_FORMAT_NOT_SUPPORTED', exit: 2 },
        );
        expect(message).toBe(
          "Cannot write a revision in the mikro-orm format: a MikroORM migration class holds SQL statements (this.addSql), not schema operations (as: 'operations')",
        );
        expect(hint).toBe("Leave --as out, or pass --as sql: a MikroORM migration class holds the database's SQL. Nothing was written.");
      }
      expect(app.versions()).toEqual([]);
      expect(readdirSync(app.dir)).not.toContain('never-opened.db');
    } finally {
      app.cleanup();
    }
  });

  it('an adapter without migrationClasses(), naming it', async () => {
    const app = entitiesProject(
      "import sqlite from '@cloudguard/migrate-adapter-sqlite';\n" +
        "import { entities } from './entities.ts';\n\n" +
        'export default { entities, adapter: { ...sqlite, migrationClasses: undefined } };\n',
    );
    try {
      app.useEntities('v1');
      for (const mode of ['human', 'json'] as const) {
        for (const args of [['revision', '--format', 'mikro-orm'], ['revision', '--autogenerate', '--format', 'mikro-orm', '-m', 'Create users']]) {
          const { run, message, hint } = await fails(mode, args, app.dir, { code: 'MIGRATION_FORMAT_NOT_SUPPORTED', exit: 2 });
          expect(message).toBe("Cannot write a revision in the mikro-orm format: the sqlite adapter has no migrationClasses(), which MikroORM's migration classes need");
          expect(hint).toContain("Leave --format out to write cgmigrate's own format");
          if (mode === 'json') expect(run.json<{ error: Record<string, unknown> }>().error).toMatchObject({ format: 'mikro-orm', problem: 'no-renderer', adapter: 'sqlite' });
        }
      }
      expect(app.versions()).toEqual([]);
    } finally {
      app.cleanup();
    }
  });
});

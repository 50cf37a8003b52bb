/**
 * The acceptance test of issue 23, step for step, on a real MikroORM 7 project with a
 * SQLite file and with a throwaway PostgreSQL database: entities and five migrations made
 * and applied with MikroORM's own CLI (`migration:create`, `migration:up`); `cgmigrate
 * import mikro-orm` adopts them; `current` shows the fifth; a sixth revision written by
 * `revision --autogenerate` applies; `downgrade -2` runs its down and the fifth MikroORM
 * class's `down()`; after `upgrade head`, `check` passes. Each step asserts what a user
 * sees: exit codes, output lines, files, and the database's own catalog.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { migrationFiles, type RunResult } from './cli.js';
import { adoptedId, createMikroOrmProject, type EntityStage, type MikroOrmProject } from './mikro-orm-project.js';

const SLOW = 180_000;

/**
 * The project's entities at each stage: stages 1 to 5 are MikroORM's five migrations (a
 * table, a column, an index, a second table with a foreign key, a third table with a
 * foreign key), stage 6 is the column cgmigrate's autogenerate adds.
 */
function author(stage: number): string {
  return `export const Author = defineEntity({
  name: 'Author',
  properties: {
    id: p.integer().primary(),
    name: p.string()${stage >= 3 ? ".index('author_name_index')" : ''},${stage >= 2 ? '\n    email: p.string().nullable(),' : ''}
  },
});
`;
}
const BOOK = `
export const Book = defineEntity({
  name: 'Book',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(Author),
  },
});
`;
function review(stage: number): string {
  return `
export const Review = defineEntity({
  name: 'Review',
  properties: {
    id: p.integer().primary(),
    stars: p.integer(),
    book: () => p.manyToOne(Book),${stage >= 6 ? '\n    comment: p.text().nullable(),' : ''}
  },
});
`;
}
const STAGES: readonly EntityStage[] = [
  { name: 'author', entities: author(1) },
  { name: 'author_email', entities: author(2) },
  { name: 'author_name_index', entities: author(3) },
  { name: 'book', entities: author(4) + BOOK },
  { name: 'review', entities: author(5) + BOOK + review(5) },
  { name: 'review_comment', entities: author(6) + BOOK + review(6) },
];

/** A user table as the database's catalog describes it. */
interface TableSchema {
  readonly columns: string[];
  readonly indexes: string[];
  /** `column -> table.column` */
  readonly foreignKeys: string[];
}
/** The project's own tables (not cgmigrate's or MikroORM's bookkeeping), by name. */
type Schema = Record<string, TableSchema>;
const BOOKKEEPING = ['alembic_version', 'cgmigrate_audit', 'mikro_orm_migrations'];

interface Dialect {
  readonly name: string;
  readonly tags: readonly string[];
  /** How autogenerate names a table: PostgreSQL's are schema-qualified. */
  readonly qualifier: string;
  /** How many of the five MikroORM applies itself; import adopts the rest as pending, and `cgmigrate upgrade` runs them. */
  readonly appliedByMikroOrm: 4 | 5;
  /** The format of the sixth revision (`--format`). */
  readonly revisionFormat: 'cgmigrate' | 'mikro-orm';
  setUp(): Promise<{ mikroOrmConnection: string; cgmigrateUrl: string }>;
  /** The schema of the database of the project in `dir`. */
  schema(dir: string): Promise<Schema>;
  /** Applied MikroORM migrations, from MikroORM's own table. */
  mikroOrmHistory(dir: string): Promise<string[]>;
  tearDown(): Promise<void>;
}

function sqliteDialect(): Dialect {
  const read = <T>(dir: string, sql: string): T[] => {
    const db = new DatabaseSync(path.join(dir, 'app.db'), { readOnly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite',
    tags: [],
    qualifier: '',
    appliedByMikroOrm: 5,
    revisionFormat: 'cgmigrate',
    // The project's own file, named relative to the project in both configs.
    setUp: async () => ({ mikroOrmConnection: "dbName: 'app.db'", cgmigrateUrl: 'sqlite:///app.db' }),
    async schema(dir) {
      const schema: Schema = {};
      for (const { name } of read<{ name: string }>(dir, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
        if (BOOKKEEPING.includes(name)) continue;
        schema[name] = {
          columns: read<{ name: string }>(dir, `SELECT name FROM pragma_table_info('${name}') ORDER BY cid`).map((row) => row.name),
          indexes: read<{ name: string }>(dir, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '${name}' AND name NOT LIKE 'sqlite_%' ORDER BY name`).map(
            (row) => row.name,
          ),
          foreignKeys: read<{ from: string; table: string; to: string }>(dir, `SELECT "from", "table", "to" FROM pragma_foreign_key_list('${name}') ORDER BY "from"`).map(
            (row) => `${row.from} -> ${row.table}.${row.to}`,
          ),
        };
      }
      return schema;
    },
    mikroOrmHistory: async (dir) => read<{ name: string }>(dir, 'SELECT name FROM mikro_orm_migrations ORDER BY id').map((row) => row.name),
    // The file lives in the project's folder, which the flow removes.
    tearDown: async () => undefined,
  };
}

function postgresDialect(): Dialect {
  let db: TestDatabase | undefined;
  const read = async <T>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      return ((await client.query(sql)) as { rows: T[] }).rows;
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    tags: ['postgres'],
    qualifier: 'public.',
    appliedByMikroOrm: 4,
    revisionFormat: 'mikro-orm',
    async setUp() {
      db = await createTestDatabase('cgmigrate_mikro_acceptance');
      return { mikroOrmConnection: `clientUrl: '${db.url}'`, cgmigrateUrl: db.url };
    },
    async schema() {
      const schema: Schema = {};
      const table = (name: string) => (schema[name] ??= { columns: [], indexes: [], foreignKeys: [] });
      const columns = await read<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
      );
      for (const row of columns) if (!BOOKKEEPING.includes(row.table_name)) table(row.table_name).columns.push(row.column_name);
      for (const row of await read<{ tablename: string; indexname: string }>("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")) {
        if (!BOOKKEEPING.includes(row.tablename)) table(row.tablename).indexes.push(row.indexname);
      }
      const foreignKeys = await read<{ table: string; column: string; target: string; target_column: string }>(
        `SELECT c.conrelid::regclass::text AS table, a.attname AS column, c.confrelid::regclass::text AS target, fa.attname AS target_column
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
          WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          ORDER BY 1, 2`,
      );
      for (const row of foreignKeys) table(row.table).foreignKeys.push(`${row.column} -> ${row.target}.${row.target_column}`);
      return schema;
    },
    mikroOrmHistory: async () => (await read<{ name: string }>('SELECT name FROM mikro_orm_migrations ORDER BY id')).map((row) => row.name),
    tearDown: async () => db?.drop(),
  };
}

/** `run` succeeded; the message shows what it printed when it did not. */
function expectSuccess(run: RunResult, what: string): void {
  expect(run.code, `${what}\n${run.stdout}\n${run.stderr}`).toBe(0);
}

/** The file MikroORM wrote, as `import mikro-orm` adopts it: the two statics as the class's first members. */
function adoptedText(source: string, revision: string, downRevision: string | null): string {
  const statics = `  static revision = '${revision}';\n  static downRevision = ${downRevision === null ? 'null' : `'${downRevision}'`};\n`;
  return source.replace(' extends Migration {\n', ` extends Migration {\n${statics}`);
}

for (const dialect of [sqliteDialect(), postgresDialect()]) {
  describe(`issue 23 acceptance: a MikroORM 7 project on ${dialect.name}, adopted and carried on by cgmigrate`, { tags: [...dialect.tags] }, () => {
    let project: MikroOrmProject;

    beforeAll(async () => {
      const { mikroOrmConnection, cgmigrateUrl } = await dialect.setUp();
      // No DATABASE_URL: cgmigrate finds the database in its own config, as MikroORM does in its.
      project = await createMikroOrmProject({ driver: dialect.name === 'SQLite' ? 'sqlite' : 'postgresql', connection: mikroOrmConnection, stages: STAGES });
      // The config `cgmigrate init` wrote, pointed at the same database and listing the same entities.
      const configFile = path.join(project.dir, 'cgmigrate.config.ts');
      const config = readFileSync(configFile, 'utf8');
      const configured = config
        .replace("import type { MigrateConfig } from '@cloudguard/migrate-core';\n", (line) => `${line}\nimport * as entities from './src/entities.ts';\n`)
        .replace("  // url: 'sqlite:///cloudguard.db',\n", `  url: '${cgmigrateUrl}',\n  entities: Object.values(entities),\n`);
      expect(configured).not.toBe(config);
      writeFileSync(configFile, configured);
    }, SLOW);
    afterAll(async () => {
      project?.cleanup();
      await dialect.tearDown();
    });

    it('runs the whole flow: MikroORM migrations, import, current, autogenerate, downgrade -2, upgrade, check', { timeout: SLOW }, async () => {
      const run = (...args: string[]) => project.cgmigrate(args);

      // 1. Five migrations made by MikroORM's CLI, each with the DDL of its stage, applied by it.
      const names = await project.createMigrations(5);
      expect(names).toHaveLength(5);
      names.forEach((name, index) => expect(name).toMatch(new RegExp(`^Migration\\d{14}_step${index + 1}_${STAGES[index]!.name}$`)));
      const ids = names.map(adoptedId);
      await project.mikroOrm(['migration:up', `--to=${names[3]}`]);
      const atFour = await dialect.schema(project.dir);
      expect(Object.keys(atFour).sort()).toEqual(['author', 'book']);
      expect(atFour['author']!.columns).toEqual(['id', 'name', 'email']);
      expect(atFour['author']!.indexes).toContain('author_name_index');
      expect(atFour['book']!.foreignKeys).toEqual(['author_id -> author.id']);
      if (dialect.appliedByMikroOrm === 5) await project.mikroOrm(['migration:up']);
      expect(await dialect.mikroOrmHistory(project.dir)).toEqual(names.slice(0, dialect.appliedByMikroOrm));
      const lastApplied = dialect.appliedByMikroOrm - 1;

      // 2. cgmigrate adopts the project: one revision per MikroORM file, the database stamped at the last applied.
      const adopted = await run('import', 'mikro-orm');
      expectSuccess(adopted, 'import mikro-orm');
      expect(adopted.stdout).toBe(
        names
          .map((name, index) => {
            const from = index === 0 ? '<base>' : ids[index - 1];
            const applied = index <= lastApplied ? 'applied' : 'not applied';
            return `${from} -> ${ids[index]}, ${name} (${applied}): written migrations/versions/${name}.ts\n`;
          })
          .join(''),
      );
      expect(adopted.stderr).toContain(`Running stamp_revision  -> ${ids[lastApplied]}`);
      expect(adopted.stderr).toContain(
        `Adopted 5 MikroORM migrations (5 written into migrations/versions/); the database is stamped at ${ids[lastApplied]} (${names[lastApplied]}, the last applied).`,
      );
      expect(migrationFiles(project.versionsDir).sort()).toEqual(names.map((name) => `${name}.ts`));
      names.forEach((name, index) => {
        const source = readFileSync(path.join(project.migrationsDir, `${name}.ts`), 'utf8');
        expect(readFileSync(path.join(project.versionsDir, `${name}.ts`), 'utf8')).toBe(adoptedText(source, ids[index]!, index === 0 ? null : ids[index - 1]!));
      });
      if (dialect.appliedByMikroOrm === 4) {
        // The fifth was pending in MikroORM: cgmigrate runs its class's up().
        const upgrade = await run('upgrade', 'head');
        expectSuccess(upgrade, 'upgrade head (the fifth)');
        expect(upgrade.stderr).toContain(`Running upgrade ${ids[3]} -> ${ids[4]}, ${names[4]}`);
      }
      const atFive = await dialect.schema(project.dir);
      expect(Object.keys(atFive).sort()).toEqual(['author', 'book', 'review']);
      expect(atFive['review']!.foreignKeys).toEqual(['book_id -> book.id']);

      // 3. current shows the fifth, history names every revision by its MikroORM class.
      const current = await run('current');
      expectSuccess(current, 'current');
      expect(current.stdout).toBe(`${ids[4]} (head)\n`);
      const history = await run('history');
      expectSuccess(history, 'history');
      expect(history.stdout).toBe(
        names
          .map((name, index) => `${index === 0 ? '<base>' : ids[index - 1]} -> ${ids[index]}${index === 4 ? ' (head)' : ''}, ${name}\n`)
          .reverse()
          .join(''),
      );

      // 4. The entities change once more; autogenerate writes the sixth revision, upgrade applies it.
      project.useStage(6);
      const formatArgs = dialect.revisionFormat === 'mikro-orm' ? ['--format', 'mikro-orm'] : [];
      const revision = await run('revision', '--autogenerate', ...formatArgs, '-m', 'Add review comment');
      expectSuccess(revision, 'revision --autogenerate');
      expect(revision.stderr).toContain(`Detected added column '${dialect.qualifier}review.comment'`);
      const sixthFile = revision.stdout.trim();
      expect(path.dirname(sixthFile)).toBe(project.versionsDir);
      const sixthSource = readFileSync(sixthFile, 'utf8');
      const sixth =
        dialect.revisionFormat === 'mikro-orm'
          ? /^ {2}static revision = '([0-9a-f]{12})';$/m.exec(sixthSource)?.[1]
          : /^ {2}revision: '([0-9a-f]{12})',$/m.exec(sixthSource)?.[1];
      expect(sixth, sixthSource).toBeDefined();
      if (dialect.revisionFormat === 'mikro-orm') {
        expect(path.basename(sixthFile)).toMatch(/^Migration\d{14}_add_review_comment\.ts$/);
        expect(sixthSource).toContain(`  static downRevision = '${ids[4]}';\n  static message = 'Add review comment';\n`);
      } else {
        expect(sixthSource).toContain(`  downRevision: '${ids[4]}',\n`);
      }
      const upgradeSixth = await run('upgrade', 'head');
      expectSuccess(upgradeSixth, 'upgrade head (the sixth)');
      expect(upgradeSixth.stderr).toContain(`Running upgrade ${ids[4]} -> ${sixth}, Add review comment`);
      const atSix = await dialect.schema(project.dir);
      expect(atSix['review']!.columns).toEqual(['id', 'stars', 'book_id', 'comment']);
      expect((await run('current')).stdout).toBe(`${sixth} (head)\n`);

      // 5. downgrade -2: the sixth's down, then the fifth MikroORM class's down(); the schema is the fourth's again.
      const downgrade = await run('downgrade', '-2');
      expectSuccess(downgrade, 'downgrade -2');
      const downgradeLines = downgrade.stderr.split('\n').filter((line) => line.startsWith('Running downgrade'));
      expect(downgradeLines).toEqual([`Running downgrade ${sixth} -> ${ids[4]}, Add review comment`, `Running downgrade ${ids[4]} -> ${ids[3]}, ${names[4]}`]);
      const afterDowngrade = await dialect.schema(project.dir);
      expect(afterDowngrade).not.toHaveProperty('review');
      expect(afterDowngrade).toEqual(atFour);
      expect((await run('current')).stdout).toBe(`${ids[3]}\n`);

      // 6. Back to head; check finds the database at head, the files as they ran, and the schema as the entities say.
      const upgradeAgain = await run('upgrade', 'head');
      expectSuccess(upgradeAgain, 'upgrade head (again)');
      expect(upgradeAgain.stderr.split('\n').filter((line) => line.startsWith('Running upgrade'))).toEqual([
        `Running upgrade ${ids[3]} -> ${ids[4]}, ${names[4]}`,
        `Running upgrade ${ids[4]} -> ${sixth}, Add review comment`,
      ]);
      expect(await dialect.schema(project.dir)).toEqual(atSix);
      const check = await run('check');
      expectSuccess(check, 'check');
      expect(check.stdout).toBe('');
      expect(check.stderr).toContain(
        'No problems found: the database is up to date and every applied migration matches its file, and its schema matches the entities.',
      );
    });
  });
}

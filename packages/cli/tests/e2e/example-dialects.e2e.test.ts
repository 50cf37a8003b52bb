import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTestMariaDbDatabase, type TestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject, type RunResult } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cloudguard-anomaly', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** The service's tables at head, with ours. */
const AT_HEAD = ['alembic_version', 'alerts', 'anomaly_findings', 'cgmigrate_audit', 'cloud_accounts', 'policies', 'resources', 'scans'];
/** What `downgrade base` leaves: the version and audit tables. */
const AT_BASE = ['alembic_version', 'cgmigrate_audit'];

/** The names 000001 and 000002 give, which the entities name too. */
const NAMED = {
  indexes: [
    'ix_alerts_acknowledged_at',
    'ix_alerts_status',
    'ix_anomaly_findings_resource',
    'ix_anomaly_findings_severity_status',
    'ix_resources_type',
    'ix_scans_account_started',
  ],
  uniques: ['uq_cloud_accounts_provider_identifier', 'uq_policies_name', 'uq_resources_account_identifier'],
  foreignKeys: [
    'alerts_finding_id_foreign',
    'anomaly_findings_policy_id_foreign',
    'anomaly_findings_resource_id_foreign',
    'anomaly_findings_scan_id_foreign',
    'resources_account_id_foreign',
    'resources_last_scan_id_foreign',
    'scans_account_id_foreign',
  ],
  checks: [
    'alerts_channel_check',
    'alerts_status_check',
    'anomaly_findings_severity_check',
    'anomaly_findings_status_check',
    'cloud_accounts_provider_check',
    'policies_severity_check',
    'scans_status_check',
  ],
};

/** The named schema objects of the service's tables, each list sorted. */
interface NamedObjects {
  readonly indexes: string[];
  readonly uniques: string[];
  readonly foreignKeys: string[];
  readonly checks: string[];
}

/** A database the example migrates, and how to read it. */
interface Target {
  /** The config file to pass with `-c`, when not the example's own. */
  readonly config?: string;
  readonly url: string;
  tables(): Promise<string[]>;
  named(): Promise<NamedObjects>;
  policyCount(): Promise<number>;
}

/** The example as committed, copied with its node_modules reachable, so a test can add a config file beside it. */
function exampleCopy(): { dir: string; cleanup: () => void } {
  const scratch = tempProject();
  cpSync(EXAMPLE, scratch.dir, { recursive: true, filter: (source) => !/\.db(-journal|-wal|-shm)?$|\.cgmigrate-lock/.test(source) });
  symlinkSync(REPO_NODE_MODULES, path.join(scratch.dir, 'node_modules'), 'dir');
  return scratch;
}

const sorted = (names: readonly unknown[]): string[] => names.map(String).sort();

/**
 * The committed migrations, unchanged, through the CLI: upgrade head, check, downgrade
 * base; then head again, so that the downgrade is shown to leave nothing in the way.
 */
async function upCheckDown(target: Target, cwd: string): Promise<void> {
  const run = (...args: string[]): Promise<RunResult> =>
    cgmigrate([...args, '--url', target.url, ...(target.config === undefined ? [] : ['-c', target.config])], { cwd });

  const up = await run('upgrade', 'head');
  expect(up.code, up.stderr).toBe(0);
  expect(up.stderr).toBe(
    [
      'Running upgrade  -> 000001, Initial schema',
      'Running upgrade 000001 -> 000002, Add alert acknowledgement',
      'Running upgrade 000002 -> 000003, Seed default policies',
      '',
    ].join('\n'),
  );
  expect(await target.tables()).toEqual(AT_HEAD);
  expect(await target.policyCount()).toBe(3);

  const check = await run('check');
  expect(check.code, check.stdout + check.stderr).toBe(0);
  expect(check.stdout).toBe('');

  const down = await run('downgrade', 'base');
  expect(down.code, down.stderr).toBe(0);
  expect(down.stderr).toContain('Running downgrade 000001 -> , Initial schema');
  expect(await target.tables()).toEqual(AT_BASE);

  const again = await run('upgrade', 'head');
  expect(again.code, again.stderr).toBe(0);
  expect(await target.tables()).toEqual(AT_HEAD);
}

/**
 * examples/cloudguard-anomaly's migrations are schema operations: the same files upgrade
 * and downgrade SQLite, PostgreSQL and MariaDB, keep the names the entities give, and
 * leave a schema `check` finds no difference in.
 */
describe('examples/cloudguard-anomaly on every dialect', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('SQLite: upgrade head, check against entities.ts, downgrade base', async () => {
    const scratch = tempProject();
    cleanups.push(scratch.cleanup);
    const file = path.join(scratch.dir, 'cloudguard.db');
    const sqlite = <T>(read: (db: DatabaseSync) => T): T => {
      const db = new DatabaseSync(file, { readOnly: true });
      try {
        return read(db);
      } finally {
        db.close();
      }
    };
    const names = (sql: string) => sqlite((db) => sorted((db.prepare(sql).all() as { name: string }[]).map((row) => row.name)));
    const target: Target = {
      url: `sqlite:///${file}`,
      tables: async () => names("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
      named: async () => {
        const own = "tbl_name NOT IN ('alembic_version', 'cgmigrate_audit')";
        const indexes = sqlite((db) =>
          (db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND ${own}`).all() as { name: string; sql: string }[]),
        );
        // SQLite keeps a foreign key's name only in the table's CREATE statement.
        const tableSql = sqlite((db) => (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND ${own}`).all() as { sql: string }[]).map((row) => row.sql));
        return {
          indexes: sorted(indexes.filter((index) => !/^create unique/i.test(index.sql)).map((index) => index.name)),
          // SQLite has no named unique constraint: a named unique index stands for it.
          uniques: sorted(indexes.filter((index) => /^create unique/i.test(index.sql)).map((index) => index.name)),
          foreignKeys: sorted(tableSql.flatMap((sql) => [...sql.matchAll(/constraint [`"]?(\w+)[`"]? foreign key/gi)].map((match) => match[1]))),
          checks: [],
        };
      },
      policyCount: async () => sqlite((db) => Number((db.prepare('SELECT COUNT(*) AS n FROM policies').get() as { n: number }).n)),
    };

    await upCheckDown(target, EXAMPLE);
    // SQLite keeps no name for a column's check: the checks are there, unnamed, in each table's definition.
    expect(await target.named()).toEqual({ ...NAMED, checks: [] });
    expect(sqlite((db) => (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'alerts'").get() as { sql: string }).sql)).toContain(
      "check (status in ('pending', 'sent', 'failed'))",
    );
  });

  describe('PostgreSQL', { tags: ['postgres'] }, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('cgmigrate_example_dialects');
    });
    afterAll(() => db?.drop());

    const query = async <T>(sql: string): Promise<T[]> => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return ((await client.query(sql)) as { rows: T[] }).rows;
      } finally {
        await client.end();
      }
    };
    const constraints = async (type: string) =>
      sorted(
        (
          await query<{ conname: string }>(
            `SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = '${type}'`,
          )
        ).map((row) => row.conname),
      );

    it('upgrade head, check against entities.ts, downgrade base', async () => {
      const target: Target = {
        get url() {
          return db.url;
        },
        tables: async () => sorted((await query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).map((row) => row.tablename)),
        named: async () => ({
          indexes: sorted(
            (
              await query<{ indexname: string }>(
                "SELECT indexname FROM pg_indexes i WHERE schemaname = 'public' AND tablename NOT IN ('alembic_version', 'cgmigrate_audit') " +
                  "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))",
              )
            ).map((row) => row.indexname),
          ),
          uniques: await constraints('u'),
          foreignKeys: await constraints('f'),
          checks: await constraints('c'),
        }),
        policyCount: async () => Number((await query<{ n: string }>('SELECT COUNT(*) AS n FROM policies'))[0]!.n),
      };
      await upCheckDown(target, EXAMPLE);
      expect(await target.named()).toEqual(NAMED);
    });
  });

  describe('MariaDB', { tags: ['mariadb'] }, () => {
    let db: TestMariaDbDatabase;
    let project: { dir: string; cleanup: () => void };
    beforeAll(async () => {
      db = await createTestMariaDbDatabase('cgm_example_dialects');
      // The example's own config (its entities included), with the MariaDB example adapter for mysql:// URLs (the CLI has none of its own).
      project = exampleCopy();
      writeFileSync(
        path.join(project.dir, 'mariadb.config.ts'),
        "import config from './cgmigrate.config.ts';\n\nexport default { ...config, adapter: '@cloudguard-examples/migrate-adapter-mariadb' };\n",
      );
    });
    afterAll(async () => {
      await db?.drop();
      project?.cleanup();
    });

    const own = "table_name NOT IN ('alembic_version', 'cgmigrate_audit')";
    const constraints = async (type: string) =>
      sorted(
        (
          await db.query<{ name: string }>(
            `SELECT constraint_name AS name FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND constraint_type = ? AND ${own}`,
            [type],
          )
        ).map((row) => row.name),
      );

    it('upgrade head, check against entities.ts, downgrade base', async () => {
      const foreignKeys = () => constraints('FOREIGN KEY');
      const target: Target = {
        config: 'mariadb.config.ts',
        get url() {
          return db.url;
        },
        tables: async () =>
          sorted((await db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()')).map((row) => row.name)),
        named: async () => {
          const keys = new Set(await foreignKeys());
          const indexes = await db.query<{ name: string }>(
            `SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND non_unique = 1 AND ${own}`,
          );
          return {
            // MariaDB makes an index for each foreign key, named as the key: not one of the migrations' own.
            indexes: sorted(indexes.map((row) => row.name).filter((name) => !keys.has(name))),
            uniques: await constraints('UNIQUE'),
            foreignKeys: [...keys].sort(),
            checks: await constraints('CHECK'),
          };
        },
        policyCount: async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM policies'))[0]!.n),
      };
      await upCheckDown(target, project.dir);
      expect(await target.named()).toEqual(NAMED);
    });

    it('check reports a column whose length differs from entities.ts', async () => {
      const run = (...args: string[]): Promise<RunResult> => cgmigrate([...args, '--url', db.url, '-c', 'mariadb.config.ts'], { cwd: project.dir });
      const up = await run('upgrade', 'head');
      expect(up.code, up.stderr).toBe(0);
      const entities = path.join(project.dir, 'entities.ts');
      const committed = readFileSync(entities, 'utf8');
      const region = "region: p.string().columnType('varchar(64)').nullable(),";
      expect(committed).toContain(region);
      writeFileSync(entities, committed.replace(region, "region: p.string().columnType('varchar(100)').nullable(),"));
      try {
        const drift = await run('check');
        expect(drift.code, drift.stderr).toBe(1);
        expect(drift.stdout).toBe("Detected changed column 'resources.region': type varchar(64) -> varchar(100)\n");
      } finally {
        writeFileSync(entities, committed);
      }
    });
  });
});

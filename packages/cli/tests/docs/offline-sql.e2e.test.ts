/**
 * docs/offline-sql.md run as written: its `--sql` commands on an SQLite project, the script
 * piped into `sqlite3` and into `psql` (on a throwaway PostgreSQL database in place of
 * `cloudguard`), the migration that branches on `op.offline` run online and offline, and
 * the "From code" snippet run by Node in the project.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { testMigrationSource, versionRows } from '../e2e/cli.js';
import { blocksRunBy, docProject, shellCommands, testPath } from './doc-shell.js';

const DOC = 'docs/offline-sql.md';
const [commands, branchOnOffline, fromCode] = blocksRunBy(DOC, testPath(import.meta.url));
const project = docProject();
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cgmigrate_offline_doc');
});
afterAll(async () => {
  await db?.drop();
  project.cleanup();
});

/**
 * `ae1027` creates `scans`; `b2` is the document's migration that reads the database online
 * and not offline. The document's `up(op) { … }` becomes that migration's body.
 */
function writeMigrations(dir: string): void {
  const versions = path.join(dir, 'migrations/versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(
    path.join(versions, 'ae1027_create_scans.ts'),
    testMigrationSource({ id: 'ae1027', parent: null, up: "    await op.execute('CREATE TABLE scans (id INTEGER PRIMARY KEY, duration_ms INTEGER)');", down: " await op.execute('DROP TABLE scans'); " }),
  );
  writeFileSync(
    path.join(versions, 'b2_backfill_durations.ts'),
    `import type { Migration } from '@cloudguard/migrate-core';\n\nexport default {\n  revision: 'b2',\n  downRevision: 'ae1027',\n  message: 'Backfill durations',\n` +
      `${branchOnOffline!.body.replace(/^(?=.)/gm, '  ').trimEnd()},\n  async down() {},\n} satisfies Migration;\n`,
  );
}

describe(DOC, () => {
  it('runs the --sql commands, and the scripts piped into sqlite3 and psql migrate those databases', async () => {
    writeMigrations(project.dir);
    const lines = shellCommands(commands!);
    expect(lines).toHaveLength(6);
    const psqlLine = lines.find((line) => line.includes('| psql '))!;
    expect(psqlLine).toMatch(/ cloudguard$/);
    const server = new URL(db.url);
    for (const line of lines) {
      // psql connects as libpq's environment says; the throwaway database stands for `cloudguard`.
      const command = line === psqlLine ? line.replace(/ cloudguard$/, ` ${db.name}`) : line;
      const env = { PGHOST: server.hostname, PGPORT: server.port || '5432', PGUSER: decodeURIComponent(server.username), PGPASSWORD: decodeURIComponent(server.password) };
      const ran = await project.sh(command, { env });
      expect(ran.code, `${DOC}:${commands!.line} \`${command}\`\n${ran.stderr}`).toBe(0);
      if (line.startsWith('cgmigrate stamp head --sql')) expect(ran.stdout).not.toContain('CREATE TABLE scans');
      if (line.startsWith('cgmigrate downgrade head:base --sql')) expect(ran.stdout).toContain('DROP TABLE scans');
      if (line.startsWith('cgmigrate upgrade ae1027:head --sql')) expect(ran.stdout).not.toContain('CREATE TABLE scans');
    }
    const script = readFileSync(path.join(project.dir, 'upgrade.sql'), 'utf8');
    expect(script).toContain('-- Running upgrade  -> ae1027');
    // Offline the backfill is always written.
    expect(script).toContain('UPDATE scans SET duration_ms = 0 WHERE duration_ms IS NULL');
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual(['b2']);
    expect(await queryTestDatabase(db.url, 'SELECT version_num FROM alembic_version')).toEqual([{ version_num: 'b2' }]);
  });

  it('runs the migration that branches on op.offline online, where it reads the database first', async () => {
    const online = docProject();
    try {
      writeMigrations(online.dir);
      const steps = await online.sh(
        "cgmigrate upgrade ae1027 && sqlite3 cloudguard.db 'INSERT INTO scans (id) VALUES (1)' && cgmigrate upgrade head && sqlite3 cloudguard.db 'SELECT duration_ms FROM scans'",
      );
      expect(steps.code, steps.stderr).toBe(0);
      expect(steps.stdout).toBe('0\n');
      expect(versionRows(path.join(online.dir, 'cloudguard.db'))).toEqual(['b2']);
    } finally {
      online.cleanup();
    }
  });

  it('typechecks the migration that branches on op.offline, and "From code", against the built packages', async () => {
    const migration = { before: "import type { Migration } from '@cloudguard/migrate-core';\nexport default {\n  revision: 'b2',\n  downRevision: null,\n", after: '} satisfies Migration;\n' };
    expect(await typecheckSnippets([{ block: branchOnOffline!, ...migration }, { block: fromCode! }])).toEqual([]);
  }, 60_000);

  it('runs "From code" in the project with Node: the same script as `cgmigrate upgrade head --sql`', async () => {
    project.linkNodeModules();
    writeFileSync(path.join(project.dir, 'render.ts'), `${fromCode!.body}console.log(JSON.stringify({ sql, blocks: blocks.length }));\n`);
    const ran = await project.sh('node render.ts');
    expect(ran.code, ran.stderr).toBe(0);
    const { sql, blocks } = JSON.parse(ran.stdout) as { sql: string; blocks: number };
    expect(blocks).toBeGreaterThan(1);
    expect(sql).toContain('-- Running upgrade ae1027 -> b2');
    const cli = await project.sh('cgmigrate upgrade base:head --sql');
    const withoutAudit = (text: string) => text.replace(/^INSERT INTO cgmigrate_audit .*$/gm, '');
    expect(withoutAudit(sql)).toBe(withoutAudit(cli.stdout));
  });
});

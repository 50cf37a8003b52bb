/**
 * The safety lint knows a column's old type from the schema operations of the revisions
 * before (issue 21): `op.alterColumn` on a column an applied revision made with
 * `op.createTable` is judged against the type that revision gave it, on PostgreSQL.
 * Through core's `lint()` with the revisions and the database's heads given, so nothing
 * connects.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEnvironment, lint, loadConfig, type LintFinding } from '@cloudguard/migrate-core';
import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
import { afterAll, describe, expect, it } from 'vitest';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const URL = 'postgresql://nobody@127.0.0.1:1/not_connected';

/** Revision `scans`: the table every case changes. */
const CREATE_SCANS = [
  "await op.createTable('scans', {",
  "  id: { type: 'integer', primaryKey: true, autoincrement: true },",
  "  host: { type: 'string', length: 100 },",
  "  port: { type: 'integer', nullable: false },",
  '});',
];

/**
 * A project of `scans` and then `revisions` in a line (each its `up()` body), linted from
 * the first of them with `scans` applied; the findings of `ruleId`.
 */
async function findingsOf(ruleId: string, ...revisions: (readonly string[])[]): Promise<LintFinding[]> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-lint-column-types-'));
  folders.push(cwd);
  const versions = path.join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const bodies: [string, readonly string[]][] = [['scans', CREATE_SCANS], ...revisions.map((body, index): [string, readonly string[]] => [`change${index + 1}`, body])];
  bodies.forEach(([id, body], index) => {
    const parent = index === 0 ? null : bodies[index - 1]![0];
    const up = body.map((line) => `    ${line}\n`).join('');
    writeFileSync(path.join(versions, `${id}.ts`), `export default {\n  revision: '${id}',\n  downRevision: ${JSON.stringify(parent)},\n  async up(op) {\n${up}  },\n};\n`);
  });
  const config = await loadConfig({ cwd, env: {}, url: URL, overrides: { adapter: postgresAdapter() } });
  const linted = bodies.slice(1).map(([id]) => id);
  const result = await lint(createEnvironment(config), { revisions: linted, currentHeads: ['scans'], serverVersion: '15' });
  return result.findings.filter((finding) => finding.ruleId === ruleId);
}

describe('a column type known from the revisions before', () => {
  it('NARROW_COLUMN_TYPE: string(100) to string(50) on a table an applied revision made', async () => {
    const findings = await findingsOf('NARROW_COLUMN_TYPE', ["await op.alterColumn('scans', 'host', { type: 'string', length: 50 });"]);
    expect(findings).toEqual([
      expect.objectContaining({
        revision: 'change1',
        file: 'migrations/versions/change1.ts',
        message: expect.stringContaining('ALTER TABLE scans ALTER COLUMN host TYPE varchar(50) narrows host of scans from varchar(100) to varchar(50), which is shorter'),
      }),
    ]);
  });

  it('no NARROW_COLUMN_TYPE nor TYPE_CHANGE_REWRITES_TABLE for string(100) to string(200)', async () => {
    const widen = ["await op.alterColumn('scans', 'host', { type: 'string', length: 200 });"];
    expect(await findingsOf('NARROW_COLUMN_TYPE', widen)).toEqual([]);
    expect(await findingsOf('TYPE_CHANGE_REWRITES_TABLE', widen)).toEqual([]);
  });

  it('TYPE_CHANGE_REWRITES_TABLE: integer to bigint, naming both types', async () => {
    const findings = await findingsOf('TYPE_CHANGE_REWRITES_TABLE', ["await op.alterColumn('scans', 'port', { type: 'bigint' });"]);
    expect(findings.map((finding) => finding.message)).toEqual([expect.stringContaining('(integer does not convert to bigint in place)')]);
  });

  it('follows the revisions linted before: each change is judged against the one before it', async () => {
    const findings = await findingsOf(
      'NARROW_COLUMN_TYPE',
      ["await op.alterColumn('scans', 'host', { type: 'string', length: 80 });"],
      ["await op.alterColumn('scans', 'host', { type: 'string', length: 120 });"],
      ["await op.alterColumn('scans', 'host', { type: 'string', length: 90 });"],
    );
    expect(findings.map((finding) => [finding.revision, finding.message])).toEqual([
      ['change1', expect.stringContaining('from varchar(100) to varchar(80)')],
      ['change3', expect.stringContaining('from varchar(120) to varchar(90)')],
    ]);
  });

  it('knows no old type once raw SQL changed the schema', async () => {
    const findings = await findingsOf('NARROW_COLUMN_TYPE', [
      "await op.execute('ALTER TABLE scans ADD COLUMN note text');",
      "await op.alterColumn('scans', 'host', { type: 'string', length: 50 });",
    ]);
    expect(findings).toEqual([]);
  });
});

// @module-tag postgres
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cloudguard-anomaly', import.meta.url));

async function inDatabase<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = (await client.query(sql)) as { rows: T[] };
    return result.rows;
  } finally {
    await client.end();
  }
}

const versions = async (url: string) =>
  (await inDatabase<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
const tables = async (url: string) =>
  (
    await inDatabase<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
  ).map((r) => r.table_name);

/** The foundation's flow on the real PostgreSQL server, through the built CLI and DATABASE_URL. */
describe('examples/cloudguard-anomaly on PostgreSQL', () => {
  let db: TestDatabase;
  const run = (args: string[]) => cgmigrate(args, { cwd: EXAMPLE, env: { DATABASE_URL: db.url } });

  beforeAll(async () => {
    db = await createTestDatabase('cgmigrate_cli_e2e');
  });
  afterAll(() => db?.drop());

  it('upgrades to head, reports current, and steps down and up again', async () => {
    const up = await run(['upgrade', 'head']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('Running upgrade  -> 000001, Initial schema');
    expect(await versions(db.url)).toEqual(['000003']);
    expect(await tables(db.url)).toEqual([
      'alembic_version', 'alerts', 'anomaly_findings', 'cgmigrate_audit', 'cloud_accounts', 'policies', 'resources', 'scans',
    ]);
    expect((await run(['current'])).stdout).toBe('000003 (head)\n');

    expect((await run(['downgrade', '-1'])).code).toBe(0);
    expect(await versions(db.url)).toEqual(['000002']);
    expect((await inDatabase(db.url, 'SELECT * FROM policies')).length).toBe(0);

    expect((await run(['upgrade', '+1'])).code).toBe(0);
    expect((await inDatabase(db.url, 'SELECT * FROM policies')).length).toBe(3);

    const down = await run(['downgrade', 'base']);
    expect(down.code, down.stderr).toBe(0);
    expect(await tables(db.url)).toEqual(['alembic_version', 'cgmigrate_audit']);
    expect(await versions(db.url)).toEqual([]);
    expect((await run(['current'])).stdout).toBe('');

    expect((await run(['upgrade', '000002'])).code).toBe(0);
    expect(await versions(db.url)).toEqual(['000002']);
    const history = await run(['history', '--indicate-current']);
    expect(history.stdout.split('\n')[1]).toBe('000001 -> 000002 (current), Add alert acknowledgement');
  });

  it('leaves the database as it was when the target is unknown, and never prints the password', async () => {
    const before = await versions(db.url);
    const withPassword = db.url.replace('postgresql://postgres@', 'postgresql://postgres:s3cret-pw@');
    const failed = await cgmigrate(['upgrade', 'nope'], { cwd: EXAMPLE, env: { DATABASE_URL: withPassword } });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("Can't locate revision identified by 'nope'");
    expect(failed.stdout + failed.stderr).not.toContain('s3cret-pw');
    expect(await versions(db.url)).toEqual(before);
  });
});

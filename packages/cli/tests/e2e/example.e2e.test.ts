import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, tables, tempProject, versionRows } from './cli.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/cloudguard-anomaly', import.meta.url));
const SCHEMA = ['alembic_version', 'alerts', 'anomaly_findings', 'cgmigrate_audit', 'cloud_accounts', 'policies', 'resources', 'scans'];

/** The CloudGuard-Anomaly example, on a fresh SQLite file: base → head → base → head. */
describe('examples/cloudguard-anomaly', () => {
  const scratch = tempProject();
  const db = path.join(scratch.dir, 'cloudguard.db');
  const url = `sqlite:///${db}`;
  afterAll(() => scratch.cleanup());

  it('upgrades from base to head, creating the whole schema', async () => {
    const run = await cgmigrate(['upgrade', 'head', '--url', url], { cwd: EXAMPLE });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Running upgrade  -> 000001, Initial schema');
    expect(run.stderr).toContain('Running upgrade 000002 -> 000003, Seed default policies');
    expect(tables(db)).toEqual(SCHEMA);
    expect(versionRows(db)).toEqual(['000003']);
    const current = await cgmigrate(['current', '--url', url], { cwd: EXAMPLE });
    expect(current.stdout).toBe('000003 (head)\n');
  });

  it('downgrades to base, leaving only the version and audit tables', async () => {
    const run = await cgmigrate(['downgrade', 'base', '--url', url], { cwd: EXAMPLE });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Running downgrade 000001 -> , Initial schema');
    expect(tables(db)).toEqual(['alembic_version', 'cgmigrate_audit']);
    expect(versionRows(db)).toEqual([]);
    expect((await cgmigrate(['current', '--url', url], { cwd: EXAMPLE })).stdout).toBe('');
  });

  it('upgrades to head again, and history --verbose says when each revision was applied', async () => {
    const run = await cgmigrate(['upgrade', 'head', '--url', url], { cwd: EXAMPLE });
    expect(run.code, run.stderr).toBe(0);
    expect(tables(db)).toEqual(SCHEMA);
    expect(versionRows(db)).toEqual(['000003']);
    const history = await cgmigrate(['history', '--verbose', '--url', url], { cwd: EXAMPLE });
    expect(history.code, history.stderr).toBe(0);
    const applied = history.stdout.match(/^Applied: \d{4}-\d\d-\d\dT[\d:.]+Z by .+$/gm) ?? [];
    expect(applied).toHaveLength(3);
  });
});

// @module-tag alembic
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { createEnvironment, current, downgrade, loadConfig, upgrade, type MigrationEnvironment } from '@cloudguard/migrate-core';
import { AdapterRegistry } from '@cloudguard/migrate-core/adapter';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  assertAlembicInstalled,
  runAlembic,
  writeAlembicProject,
  writeCgmigrateProject,
  type TwinRevision,
} from '../../../../tools/alembic/alembic-project.js';
import { sqliteAdapter } from '../../src/index.js';
import { tempDir } from '../support/fixtures.js';

// The same graph for both tools: a base, then two branches, then a merge.
const REVISIONS: TwinRevision[] = [
  { id: '000001', parents: [], up: ['CREATE TABLE accounts (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE accounts'] },
  { id: '000002', parents: ['000001'], up: ['CREATE TABLE scans (id INTEGER PRIMARY KEY)'], down: ['DROP TABLE scans'] },
  { id: 'a10000', parents: ['000002'], up: ['CREATE TABLE alerts (id INTEGER)'], down: ['DROP TABLE alerts'] },
  { id: 'b20000', parents: ['000002'], up: ['CREATE TABLE policies (id INTEGER)'], down: ['DROP TABLE policies'] },
  { id: 'c30000', parents: ['a10000', 'b20000'], up: [], down: [], message: 'merge' },
];

// Alembic's branching tutorial: a branch point, a second root labelled `networking`, and a
// networking revision that depends on a revision of the other branch.
const CROSS_BRANCH: TwinRevision[] = [
  { id: '1975ea83b712', parents: [], up: ['CREATE TABLE account (id INTEGER)'], down: ['DROP TABLE account'] },
  { id: 'ae1027a6acf', parents: ['1975ea83b712'], up: ['ALTER TABLE account ADD COLUMN note TEXT'], down: [] },
  { id: '27c6a30d7c24', parents: ['1975ea83b712'], up: ['CREATE TABLE cart (id INTEGER)'], down: ['DROP TABLE cart'] },
  {
    id: '3782d9986ced',
    parents: [],
    branchLabels: ['networking'],
    up: ['CREATE TABLE ip_address (id INTEGER)'],
    down: ['DROP TABLE ip_address'],
  },
  {
    id: '2a95102259be',
    parents: ['3782d9986ced'],
    dependsOn: ['ae1027a6acf'],
    up: ['CREATE TABLE ip_account (id INTEGER)'],
    down: ['DROP TABLE ip_account'],
  },
];

function projects(revisions: readonly TwinRevision[], { sharedDatabase = true } = {}) {
  const dir = tempDir();
  const url = `sqlite:///${path.join(dir, 'shared.db')}`;
  if (!sharedDatabase) {
    const alembicUrl = `sqlite:///${path.join(dir, 'alembic.db')}`;
    writeAlembicProject(path.join(dir, 'alembic'), alembicUrl, revisions);
    mkdirSync(path.join(dir, 'cg'));
    writeCgmigrateProject(path.join(dir, 'cg', 'migrations'), revisions);
    return { alembicDir: path.join(dir, 'alembic'), alembicUrl, cgDir: path.join(dir, 'cg'), url };
  }
  writeAlembicProject(path.join(dir, 'alembic'), url, revisions);
  mkdirSync(path.join(dir, 'cg'));
  writeCgmigrateProject(path.join(dir, 'cg', 'migrations'), revisions);
  return { alembicDir: path.join(dir, 'alembic'), alembicUrl: url, cgDir: path.join(dir, 'cg'), url };
}

async function environment(cwd: string, url: string): Promise<MigrationEnvironment> {
  const config = await loadConfig({ cwd, url, env: {} });
  return createEnvironment(config, { adapters: new AdapterRegistry().add(sqliteAdapter()) });
}

const alembicHeads = (dir: string): string[] =>
  runAlembic(dir, 'current')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[0]!)
    .sort();

describe('a database shared with Alembic', () => {
  beforeAll(() => assertAlembicInstalled());

  it('continues a database Alembic migrated, and Alembic reads what we wrote', async () => {
    const { alembicDir, cgDir, url } = projects(REVISIONS);
    runAlembic(alembicDir, 'upgrade', '000002');
    const env = await environment(cgDir, url);

    expect((await current(env)).revisions.map((rev) => rev.id)).toEqual(['000002']);
    const result = await upgrade(env, { target: 'heads' });
    // Alembic 1.8 runs b20000 before a10000 here too (checked with its own `upgrade heads`).
    expect(result.steps.map((step) => step.revision)).toEqual(['b20000', 'a10000', 'c30000']);
    expect(alembicHeads(alembicDir)).toEqual(['c30000']);
    expect(runAlembic(alembicDir, 'current')).toBe('c30000 (head) (mergepoint)\n');
  });

  it('reads several heads that Alembic wrote, and Alembic reads ours after a downgrade across the merge', async () => {
    const { alembicDir, cgDir, url } = projects(REVISIONS);
    runAlembic(alembicDir, 'upgrade', 'a10000');
    runAlembic(alembicDir, 'upgrade', 'b20000');
    const env = await environment(cgDir, url);
    expect((await current(env)).revisions.map((rev) => rev.id).sort()).toEqual(['a10000', 'b20000']);

    await upgrade(env, { target: 'head' });
    expect(alembicHeads(alembicDir)).toEqual(['c30000']);

    // `-1` from a merge point is "Ambiguous walk" in Alembic; here it undoes the merge, and
    // Alembic reads the two rows it leaves.
    expect(() => runAlembic(alembicDir, 'downgrade', '-1')).toThrow(/Ambiguous walk/);
    await downgrade(env, { target: '-1' });
    expect(alembicHeads(alembicDir)).toEqual(['a10000', 'b20000']);
    runAlembic(alembicDir, 'downgrade', 'base');
    expect((await current(env)).revisions).toEqual([]);
  });

  it('lets Alembic downgrade what we upgraded', async () => {
    const { alembicDir, cgDir, url } = projects(REVISIONS);
    await upgrade(await environment(cgDir, url), { target: 'heads' });
    runAlembic(alembicDir, 'downgrade', '000001');
    expect(alembicHeads(alembicDir)).toEqual(['000001']);
    expect((await current(await environment(cgDir, url))).revisions.map((rev) => rev.id)).toEqual(['000001']);
  });

  it('keeps the same version rows and current revisions as Alembic through a cross-branch dependency', async () => {
    const { alembicDir, alembicUrl, cgDir, url } = projects(CROSS_BRANCH, { sharedDatabase: false });
    const env = await environment(cgDir, url);
    const alembicRows = async () => [...(await current(await environment(cgDir, alembicUrl))).rows].sort();
    const ours = async () => {
      const result = await current(env);
      return { current: result.revisions.map((rev) => rev.id).sort(), rows: [...result.rows].sort() };
    };
    const steps: [command: 'upgrade' | 'downgrade', target: string, rows: string[], current: string[]][] = [
      // One row for both lines, yet the dependency's line is current too: `ae1027a6acf (effective head)`.
      ['upgrade', 'networking@head', ['2a95102259be'], ['2a95102259be', 'ae1027a6acf']],
      ['upgrade', 'heads', ['27c6a30d7c24', '2a95102259be'], ['27c6a30d7c24', '2a95102259be', 'ae1027a6acf']],
      ['downgrade', 'networking@base', ['27c6a30d7c24', 'ae1027a6acf'], ['27c6a30d7c24', 'ae1027a6acf']],
      ['upgrade', 'networking@head', ['27c6a30d7c24', '2a95102259be'], ['27c6a30d7c24', '2a95102259be', 'ae1027a6acf']],
      ['downgrade', '1975ea83b712', ['1975ea83b712', '3782d9986ced'], ['1975ea83b712', '3782d9986ced']],
      ['downgrade', 'base', [], []],
    ];
    for (const [command, target, rows, currentIds] of steps) {
      const after = `${command} ${target}`;
      runAlembic(alembicDir, command, target);
      await (command === 'upgrade' ? upgrade(env, { target }) : downgrade(env, { target }));
      expect({ after, alembic: { current: alembicHeads(alembicDir), rows: await alembicRows() } }).toEqual({
        after,
        alembic: { current: currentIds, rows },
      });
      expect({ after, cgmigrate: await ours() }).toEqual({ after, cgmigrate: { current: currentIds, rows } });
    }
  });
});

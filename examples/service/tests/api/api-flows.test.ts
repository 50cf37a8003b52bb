import path from 'node:path';

import {
  MigrationManager,
  checkMigrations,
  hasPendingMigrations,
  upgradeDatabase,
  type MigrationEvent,
} from '@cloudguard/migrate-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { SECOND_HEAD, tempProject, type TempProject } from '../support/projects.js';

interface Dialect {
  readonly name: string;
  /** Vitest tags: `postgres` skips the tests, with the reason, when the test command has no server for them. */
  readonly tags: readonly string[];
  /** A fresh database URL for one test. */
  fresh(project: TempProject): Promise<string>;
  cleanup(): Promise<void>;
}

const dialects: Dialect[] = [
  {
    name: 'SQLite',
    tags: [],
    fresh: async (project) => `sqlite:///${path.join(project.dir, `db-${Math.random().toString(36).slice(2)}.db`)}`,
    cleanup: async () => {},
  },
  (() => {
    const databases: TestDatabase[] = [];
    return {
      name: 'PostgreSQL',
      tags: ['postgres'],
      fresh: async () => {
        const db = await createTestDatabase('cgmigrate_api');
        databases.push(db);
        return db.url;
      },
      cleanup: async () => {
        await Promise.all(databases.map((db) => db.drop()));
      },
    };
  })(),
];

for (const dialect of dialects) describe(`the programmatic API on ${dialect.name}`, { tags: [...dialect.tags] }, () => {
  let project: TempProject;
  const printed = { stdout: vi.spyOn(process.stdout, 'write'), stderr: vi.spyOn(process.stderr, 'write') };

  beforeAll(() => {
    project = tempProject();
  });
  afterAll(async () => {
    await dialect.cleanup();
    project.cleanup();
  });
  afterEach(() => {
    printed.stdout.mockClear();
    printed.stderr.mockClear();
  });

  it('reports pending migrations, upgrades, then reports none, printing nothing', async () => {
    const options = { cwd: project.dir, env: { DATABASE_URL: await dialect.fresh(project) } };
    expect(await checkMigrations(options)).toBe(true);
    expect(await hasPendingMigrations(options)).toBe(true);

    const result = await upgradeDatabase(options);
    expect(result.from).toEqual([]);
    expect(result.to).toEqual(['b7d9e4']);
    expect(result.steps.map((step) => [step.direction, step.revision, step.message])).toEqual([
      ['upgrade', 'a1f3c2', 'Create scans'],
      ['upgrade', 'b7d9e4', 'Add scan findings'],
    ]);

    expect(await checkMigrations(options)).toBe(false);
    expect((await upgradeDatabase(options)).steps).toEqual([]);
    expect(printed.stdout).not.toHaveBeenCalled();
    expect(printed.stderr).not.toHaveBeenCalled();
  });

  it('routes progress to a logger and to onEvent', async () => {
    const lines: string[] = [];
    const events: MigrationEvent[] = [];
    await upgradeDatabase({
      cwd: project.dir,
      url: await dialect.fresh(project),
      target: 'a1f3c2',
      logger: { info: (m) => lines.push(`info ${m}`), debug: (m) => lines.push(`debug ${m}`) },
      onEvent: (event) => events.push(event),
    });
    expect(lines[0]).toMatch(new RegExp(`^debug cgmigrate: ${dialect.name === 'SQLite' ? 'sqlite' : 'postgresql'} database .* \\(from the url option; no config file; scripts in `));
    expect(lines.slice(1)).toEqual(['info Running upgrade  -> a1f3c2, Create scans', expect.stringMatching(/^debug Finished upgrade of a1f3c2 in \d+ ms$/)]);
    expect(events.map((event) => event.type)).toEqual(['step-start', 'step-end']);
  });

  it('gives typed data through a MigrationManager: current, heads, history with applied-at, downgrade, stamp, check', async () => {
    const url = await dialect.fresh(project);
    await using manager = new MigrationManager({ cwd: project.dir, url });
    expect((await manager.current()).revisions).toEqual([]);
    expect(await manager.pendingRevisions()).toEqual(['a1f3c2', 'b7d9e4']);
    const before = Date.now();
    await manager.upgrade();

    const [head] = (await manager.current()).revisions;
    expect(head).toMatchObject({ id: 'b7d9e4', downRevisions: ['a1f3c2'], message: 'Add scan findings', isHead: true, branchLabels: [] });
    expect((await manager.heads()).revisions.map((rev) => rev.id)).toEqual(['b7d9e4']);

    const { revisions } = await manager.history();
    expect(revisions.map((rev) => ({ id: rev.id, parents: rev.downRevisions, message: rev.message, current: rev.isCurrent }))).toEqual([
      { id: 'b7d9e4', parents: ['a1f3c2'], message: 'Add scan findings', current: true },
      { id: 'a1f3c2', parents: [], message: 'Create scans', current: false },
    ]);
    for (const rev of revisions) {
      expect(rev.appliedAt).toBeInstanceOf(Date);
      expect(rev.appliedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(rev.appliedBy).toEqual(expect.any(String));
    }

    expect(await manager.downgrade('-1')).toMatchObject({ from: ['b7d9e4'], to: ['a1f3c2'] });
    const check = await manager.check();
    expect(check).toMatchObject({ ok: false, current: ['a1f3c2'], pending: ['b7d9e4'] });
    expect(check.problems.map((problem) => problem.code)).toEqual(['DB_NOT_UP_TO_DATE']);
    const afterDowngrade = (await manager.history()).revisions;
    expect(afterDowngrade.find((rev) => rev.id === 'b7d9e4')?.appliedAt).toBeUndefined();

    await manager.upgrade('head');
    // stamp records revisions without running them: the schema stays at b7d9e4
    expect(await manager.stamp('a1f3c2')).toMatchObject({ from: ['b7d9e4'], to: ['a1f3c2'], steps: [{ direction: 'stamp' }] });
    expect(await manager.hasPendingMigrations()).toBe(true);
    expect(await manager.stamp(['head'])).toMatchObject({ from: ['a1f3c2'], to: ['b7d9e4'], steps: [{ direction: 'stamp', revision: 'b7d9e4' }] });
    expect((await manager.check()).ok).toBe(true);
    expect(await manager.hasPendingMigrations()).toBe(false);
    expect(await manager.downgrade('base')).toMatchObject({ to: [] });
    expect(await manager.hasPendingMigrations()).toBe(true);
  });

  it('fails with typed errors: MULTIPLE_HEADS, REVISION_NOT_FOUND, and leaves the database as it was', async () => {
    const branched = tempProject();
    try {
      branched.write('migrations/versions/20250118_c4e8f1_add_scan_tags.ts', SECOND_HEAD);
      const url = await dialect.fresh(branched);
      const manager = new MigrationManager({ cwd: branched.dir, url });
      try {
        await expect(manager.upgrade('head')).rejects.toMatchObject({
          code: 'MULTIPLE_HEADS',
          name: 'MultipleHeadsError',
          heads: expect.arrayContaining(['b7d9e4', 'c4e8f1']),
          target: 'head',
        });
        await expect(manager.upgrade('nope')).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'nope' });
        expect((await manager.current()).revisions).toEqual([]);
        expect((await manager.upgrade('heads')).to.slice().sort()).toEqual(['b7d9e4', 'c4e8f1']);
        expect((await manager.heads()).revisions).toHaveLength(2);
      } finally {
        await manager.close();
      }
    } finally {
      branched.cleanup();
    }
  });
});

/**
 * MikroORM's own CLI (`mikro-orm migration:*`, run with Node 24 as a project's
 * `node_modules/.bin/mikro-orm` would be) on a project whose `mikro-orm.config.ts`
 * registers cgmigrate's migrator: each command works on cgmigrate's version and audit
 * tables, and prints what MikroORM's users expect. MikroORM's CLI finds the config itself
 * (`./mikro-orm.config.ts`) and registers a TypeScript loader of its choosing (jiti, here),
 * through which cgmigrate still reads its config and migrations.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { auditSteps, CLASS_MIGRATION, ormProject, run, tables, versionRows } from '../support/orm-project.js';

/** docs/mikro-orm.md's `mikro-orm.config.ts`, registering cgmigrate's migrator. */
const [configBlock] = blocksRunBy('docs/mikro-orm.md', 'packages/adapter-sqlite/tests/integration/mikro-orm-cli.test.ts');
/** The project, with a MikroORM migration class after the three object migrations. */
const project = () => ormProject({ mikroOrmConfig: configBlock!.body, migrations: CLASS_MIGRATION });

function mikroOrm(dir: string, ...args: string[]) {
  return run(process.execPath, [path.join(dir, 'node_modules/@mikro-orm/cli/cli.js'), ...args], dir);
}

/** The rows of a table MikroORM's CLI drew (`│ a1 │ 2025-… │`), each cell trimmed. */
function tableRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .slice(1)
    .map((line) => line.split('│').slice(1, -1).map((cell) => cell.trim()));
}

describe('mikro-orm migration:* through cgmigrate on SQLite', () => {
  it('pending, up, list, down and up --to run object and class migrations on cgmigrate\'s tables in the ORM\'s file', async () => {
    const dir = project();
    const app = path.join(dir, 'app.db');

    const pending = await mikroOrm(dir, 'migration:pending');
    expect(pending.code, pending.stderr).toBe(0);
    expect(tableRows(pending.stdout)).toEqual([['a1'], ['b2'], ['c3'], ['Migration20250104000000']]);

    const up = await mikroOrm(dir, 'migration:up');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain("[migrator] Processing 'a1'\n[migrator] Applied 'a1'");
    expect(up.stdout).toContain('Successfully migrated up to the latest version');
    expect(versionRows(app)).toEqual(['20250104000000']);
    expect(auditSteps(app)).toEqual(['upgrade a1', 'upgrade b2', 'upgrade c3', 'upgrade 20250104000000']);
    expect(tables(app)).not.toContain('mikro_orm_migrations');

    const list = await mikroOrm(dir, 'migration:list');
    expect(list.code, list.stderr).toBe(0);
    const listed = tableRows(list.stdout);
    expect(listed.map(([name]) => name)).toEqual(['a1', 'b2', 'c3', 'Migration20250104000000']);
    for (const [, executedAt] of listed) expect(Date.parse(executedAt!)).toBeGreaterThan(Date.now() - 120_000);
    expect((await mikroOrm(dir, 'migration:pending')).stdout).toContain('No pending migrations');

    const down = await mikroOrm(dir, 'migration:down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain("[migrator] Reverted 'Migration20250104000000'");
    expect(down.stdout).toContain('Successfully migrated down to previous version');
    expect(versionRows(app)).toEqual(['c3']);

    const toFirst = await mikroOrm(dir, 'migration:down', '--to', '0');
    expect(toFirst.code, toFirst.stderr).toBe(0);
    expect(toFirst.stdout).toContain('Successfully migrated down to the first version');
    expect(versionRows(app)).toEqual([]);

    const upTo = await mikroOrm(dir, 'migration:up', '--to', 'b2');
    expect(upTo.code, upTo.stderr).toBe(0);
    expect(upTo.stdout).toContain('Successfully migrated up to version b2');
    expect(versionRows(app)).toEqual(['b2']);
    expect(tableRows((await mikroOrm(dir, 'migration:pending')).stdout)).toEqual([['c3'], ['Migration20250104000000']]);
  });

  it('rollup fails with cgmigrate\'s code and what to do instead, and changes nothing', async () => {
    const dir = project();
    const rollup = await mikroOrm(dir, 'migration:rollup');
    expect(rollup.code).not.toBe(0);
    expect(rollup.stderr).toContain(
      "orm.migrator.rollup() cannot run through cgmigrate: cgmigrate's revisions form a graph with branches and merges, recorded by id, so applied files cannot be combined into one. Instead, keep the revisions as they are",
    );
    expect(rollup.stderr).toContain("code: 'MIGRATOR_CALL_NOT_SUPPORTED'");
    const app = path.join(dir, 'app.db');
    expect(existsSync(app) ? tables(app) : []).toEqual([]);
  });
});

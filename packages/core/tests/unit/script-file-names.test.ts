import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { revision } from '../../src/commands/revision.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MigrateConfig } from '../../src/config/define-config.js';
import type { MigrationEvent } from '../../src/runtime/events.js';
import { isMigrationFileName, notMigrationReason, skippedFileReason } from '../../src/script/script-directory.js';
import { loadScripts } from '../../src/commands/environment.js';

describe('which file names in versions/ are migrations', () => {
  it.each([
    ['20250101_a1_init.ts', undefined, undefined],
    ['a1.mjs', undefined, undefined],
    ['_a1_init.ts', 'its name starts with "_"', 'its name starts with "_"'],
    ['.b2_init.ts', 'its name starts with "."', 'its name starts with "."'],
    ['__init__.ts', 'its name starts with "_"', 'its name starts with "_"'],
    ['a1_init.cjs', 'its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)', 'its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)'],
    ['A1_INIT.TS', 'its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)', 'its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)'],
    ['a1_init.d.ts', 'it is a type declaration (.d.ts)', undefined],
    ['a1_init.test.ts', 'its name ends like a test (.test.ts, .spec.ts)', undefined],
    ['.#a1_init.ts', 'its name starts with "."', undefined],
    ['README.md', undefined, undefined],
    ['a1_init.js.map', undefined, undefined],
  ])('%s', (name, notMigration, warned) => {
    expect(isMigrationFileName(name)).toBe(notMigration === undefined && /\.m?[jt]s$/.test(name));
    expect(notMigrationReason(name)).toBe(notMigration);
    expect(skippedFileReason(name)).toBe(warned);
  });
});

async function project(config: MigrateConfig): Promise<{ versions: string; events: MigrationEvent[]; env: ReturnType<typeof createEnvironment> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-names-'));
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const events: MigrationEvent[] = [];
  const env = createEnvironment(await loadConfig({ cwd: dir, env: {}, inline: config }), { onEvent: (event) => events.push(event) });
  return { versions, events, env };
}

describe('revision refuses a file name the script directory would skip, blaming what made it', () => {
  it('the id', async () => {
    const { versions, env } = await project({ fileTemplate: '%(rev)s_%(slug)s' });
    await expect(revision(env, { message: 'Init', revId: '_a1' })).rejects.toMatchObject({ code: 'INVALID_REVISION_ID', revision: '_a1' });
    await expect(revision(env, { message: 'Init', revId: 'a1.d' })).resolves.toBeDefined(); // a1.d_init.ts is read
    const { versions: other, env: slugLast } = await project({ fileTemplate: '%(slug)s_%(rev)s' });
    await expect(revision(slugLast, { message: 'Init', revId: 'a1.d' })).rejects.toMatchObject({ code: 'INVALID_REVISION_ID' });
    await expect(revision(slugLast, { message: 'Init', revId: 'a1.test' })).rejects.toMatchObject({ code: 'INVALID_REVISION_ID' });
    expect(readdirSync(other)).toEqual([]);
    expect(readdirSync(versions)).toEqual(['a1.d_init.ts']);
  });

  it('the message', async () => {
    const { versions, env } = await project({ fileTemplate: '%(slug)s_%(rev)s' });
    await expect(revision(env, { message: '_private thing', revId: 'a1' })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(readdirSync(versions)).toEqual([]);
  });

  it('the template', async () => {
    const { versions, env } = await project({ fileTemplate: '_%(rev)s' });
    await expect(revision(env, { message: 'Init', revId: 'a1' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(readdirSync(versions)).toEqual([]);
  });
});

describe('loadScripts', () => {
  it('warns once per skipped file, with MIGRATION_FILE_SKIPPED', async () => {
    const { versions, events, env } = await project({});
    writeFileSync(path.join(versions, '_x.ts'), 'export default {};\n');
    writeFileSync(path.join(versions, 'x.d.ts'), 'export {};\n');
    await loadScripts(env);
    expect(events).toEqual([
      {
        type: 'warning',
        code: 'MIGRATION_FILE_SKIPPED',
        message: `Skipped ${path.join(versions, '_x.ts')}: its name starts with "_", so it is not read as a migration; rename it if it is one, or move it out of versions/`,
      },
    ]);
  });
});

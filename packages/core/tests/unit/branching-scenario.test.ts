import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { current } from '../../src/commands/current.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { history } from '../../src/commands/history.js';
import { init } from '../../src/commands/init.js';
import { branches, heads, show } from '../../src/commands/inspect.js';
import { merge } from '../../src/commands/merge.js';
import { revision } from '../../src/commands/revision.js';
import { stamp } from '../../src/commands/stamp.js';
import { downgrade, upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

// Follows Alembic's "Working with Branches" walkthrough: a base, two branches from
// one revision, the multiple-heads error, `upgrade heads`, a merge, and back down.
describe('branching, as in Alembic’s documentation', () => {
  it('walks through branch, multiple heads, merge and downgrade across the merge', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-branches-'));
    await init({ cwd });
    const adapter = createMemoryAdapter();
    const env = createEnvironment(await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter } }));
    const db = adapter.database('memory://db');
    const now = new Date('2024-11-16T00:00:00Z');

    await revision(env, { message: 'create account table', revId: '1975ea83b712', now });
    await revision(env, { message: 'add a column', revId: 'ae1027a6acf', now });
    await revision(env, { message: 'add shopping cart table', revId: '27c6a30d7c24', head: '1975ea83b712', splice: true, now });

    const versions = readdirSync(path.join(cwd, 'migrations', 'versions')).filter((f) => f.endsWith('.ts')).sort();
    expect(versions).toEqual([
      '20241116_1975ea83b712_create_account_table.ts',
      '20241116_27c6a30d7c24_add_shopping_cart_table.ts',
      '20241116_ae1027a6acf_add_a_column.ts',
    ]);
    const cart = readFileSync(path.join(cwd, 'migrations', 'versions', versions[1]!), 'utf8');
    expect(cart).toContain("downRevision: '1975ea83b712',");
    expect(cart).toContain(' * Revises: 1975ea83b712\n');

    expect((await heads(env)).revisions.map((r) => r.id)).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
    expect((await branches(env)).revisions).toMatchObject([
      { id: '1975ea83b712', isBranchPoint: true, nextRevisions: ['27c6a30d7c24', 'ae1027a6acf'] },
    ]);

    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({
      code: 'MULTIPLE_HEADS',
      heads: expect.arrayContaining(['27c6a30d7c24', 'ae1027a6acf']),
    });
    await expect(revision(env, { message: 'ambiguous', now })).rejects.toMatchObject({ code: 'MULTIPLE_HEADS' });
    expect(db.versions).toBeUndefined();

    await upgrade(env, { target: 'heads' });
    expect([...db.versions!].sort()).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
    expect((await current(env)).revisions.every((r) => r.isHead)).toBe(true);

    const merged = await merge(env, { revisions: ['heads'], message: 'merge heads', revId: '53fffde5ad5', now });
    expect(merged.revision).toMatchObject({ id: '53fffde5ad5', isMergePoint: true });
    expect(readFileSync(merged.path, 'utf8')).toContain("downRevision: ['ae1027a6acf', '27c6a30d7c24'],");
    expect((await heads(env)).revisions.map((r) => r.id)).toEqual(['53fffde5ad5']);

    await upgrade(env, { target: 'head' });
    expect(db.versions).toEqual(['53fffde5ad5']);
    const lines = (await history(env, { indicateCurrent: true })).revisions.map(
      (r) => `${r.downRevisions.join(', ') || '<base>'} -> ${r.id}${r.isCurrent ? ' (current)' : ''}`,
    );
    expect(lines[0]).toBe('ae1027a6acf, 27c6a30d7c24 -> 53fffde5ad5 (current)');
    expect(lines.at(-1)).toBe('<base> -> 1975ea83b712');

    await downgrade(env, { target: 'ae1027a6acf' });
    expect([...db.versions!].sort()).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
    await downgrade(env, { target: 'base' });
    expect(db.versions).toEqual([]);

    expect((await show(env, 'ae10')).revisions.map((r) => r.id)).toEqual(['ae1027a6acf']);
    await stamp(env, { revisions: ['heads'] });
    expect(db.versions).toEqual(['53fffde5ad5']);
    db.versions = ['deadbeef0000'];
    await expect(current(env)).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', revision: 'deadbeef0000', source: 'database' });
    await expect(upgrade(env, { target: 'head' })).rejects.toMatchObject({ code: 'REVISION_NOT_FOUND', source: 'database' });
    await stamp(env, { revisions: ['head'], purge: true });
    expect(db.versions).toEqual(['53fffde5ad5']);
    expect(db.statements.filter((s) => s.includes('deadbeef'))).toEqual([]);
  });
});

// @module-tag postgres
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { autogenerateRevision, check, createEnvironment, downgrade, loadConfig, upgrade, type MigrationEnvironment } from '@cloudguard/migrate-core';
import { defineEntity, p } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { onCleanup, useTestDatabase, withClient } from '../support/fixtures.js';

/**
 * `revision --autogenerate` with the safe forms (`lint.safeAutogenerate`), through core's
 * API, against tables that exist and hold rows: the generated revisions run on the real
 * PostgreSQL, the index is built concurrently outside a transaction and the constraints
 * added NOT VALID are validated by the second revision.
 */

const url = useTestDatabase('cgm_pg_safe_autogen');

const Team = defineEntity({ name: 'Team', properties: { id: p.integer().primary(), name: p.string() } });
const UserV1 = defineEntity({ name: 'User', properties: { id: p.integer().primary(), name: p.string() } });

// v2: an index, a key to teams and a check on the existing table of users, and a new table of posts with its own.
const UserV2 = defineEntity({
  name: 'User',
  indexes: [{ properties: ['name'] }],
  checks: [{ name: 'user_name_check', expression: "name <> ''" }],
  properties: {
    id: p.integer().primary(),
    name: p.string(),
    team: () => p.manyToOne(Team).nullable(),
  },
});
const Post = defineEntity({
  name: 'Post',
  indexes: [{ properties: ['title'] }],
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(UserV2).deleteRule('cascade'),
  },
});

function project(): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-safe-autogen-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  return cwd;
}

async function environment(cwd: string, entities: readonly unknown[]): Promise<MigrationEnvironment> {
  const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter(), entities } });
  return createEnvironment(config);
}

const versions = (cwd: string) => readdirSync(path.join(cwd, 'migrations', 'versions')).filter((name) => name.endsWith('.ts'));

/** Each index of the users and posts, and whether PostgreSQL can use it (a failed concurrent build leaves one invalid). */
async function indexes(): Promise<Record<string, boolean>> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string; valid: boolean }>(
      "SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid " +
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND t.relname IN ('user', 'post') AND NOT i.indisprimary ORDER BY 1",
    ),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.valid]));
}

/** Each foreign key and check of the public schema, and whether its rows were checked. */
async function constraints(): Promise<Record<string, boolean>> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string; validated: boolean }>(
      "SELECT c.conname AS name, c.convalidated AS validated FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype IN ('f', 'c') ORDER BY 1",
    ),
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.validated]));
}

async function tables(): Promise<string[]> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"),
  );
  return rows.map((row) => row.name);
}

describe('PostgreSQL autogenerate with the safe forms', () => {
  it('writes a transactional: false second revision; both run on PostgreSQL, the index valid and the constraints validated; and back to base', async () => {
    const cwd = project();
    let env = await environment(cwd, [Team, UserV1]);
    await autogenerateRevision(env, { message: 'Teams and users', safeForms: true });
    // A table created by the migration keeps its indexes and constraints inline: one file.
    expect(versions(cwd)).toHaveLength(1);
    await upgrade(env, { target: 'head' });
    await withClient(url(), (client) => client.query(`INSERT INTO team (id, name) VALUES (1, 'core'); INSERT INTO "user" (id, name) VALUES (1, 'ada'), (2, 'grace')`));

    env = await environment(cwd, [Team, UserV2, Post]);
    const result = await autogenerateRevision(env, { message: 'Posts and team members', safeForms: true });
    if (!result.written) throw new Error('expected migrations');
    expect(result.revisions).toHaveLength(2);
    expect(versions(cwd)).toHaveLength(3);
    const [first, second] = result.revisions;
    expect(second!.revision).toMatchObject({ downRevisions: [first!.revision.id], message: 'Posts and team members (concurrent indexes and constraint validation)' });

    const firstSource = readFileSync(first!.path, 'utf8');
    expect(firstSource).not.toContain('transactional');
    expect(firstSource).toContain("batch.createForeignKey('user_team_id_foreign', ['team_id'], 'team', ['id'], { onDelete: 'set null', notValid: true });");
    expect(firstSource).toContain("batch.createCheckConstraint('user_name_check', `name <> ''`, { notValid: true });");
    expect(firstSource).not.toContain('user_name_index');
    // The new table's index and key are created with it, checked at once.
    expect(firstSource).toMatch(/await op\.createTable\('post', \{[\s\S]*indexes: \[\{ name: 'post_title_index', columns: \['title'\] \}\][\s\S]*name: 'post_author_id_foreign'/);

    const secondSource = readFileSync(second!.path, 'utf8');
    expect(secondSource).toContain('  transactional: false,\n');
    expect(secondSource).toContain("await op.createIndex('user_name_index', 'user', ['name'], { concurrently: true });");
    expect(secondSource).toContain("await op.validateConstraint('user_team_id_foreign', 'user');");
    expect(secondSource).toContain("await op.validateConstraint('user_name_check', 'user');");
    expect(secondSource).toContain("await op.dropIndex('user_name_index', 'user', { concurrently: true });");

    // The first revision alone: the constraints hold for new rows, the old ones are not checked yet.
    await upgrade(env, { target: first!.revision.id });
    expect(await constraints()).toEqual({ post_author_id_foreign: true, user_name_check: false, user_team_id_foreign: false });
    expect(await indexes()).toEqual({ post_title_index: true });

    await upgrade(env, { target: 'head' });
    expect(await indexes()).toEqual({ post_title_index: true, user_name_index: true });
    expect(await constraints()).toEqual({ post_author_id_foreign: true, user_name_check: true, user_team_id_foreign: true });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });

    await downgrade(env, { target: 'base' });
    expect(await tables()).toEqual(['alembic_version', 'cgmigrate_audit']);
  });

  it('writes one revision when the switch is off, with the foreign key of the column added to an existing table', async () => {
    const cwd = project();
    let env = await environment(cwd, [Team, UserV1]);
    await autogenerateRevision(env, { message: 'Teams and users' });
    await upgrade(env, { target: 'head' });
    env = await environment(cwd, [Team, UserV2, Post]);
    const result = await autogenerateRevision(env, { message: 'Posts and team members' });
    if (!result.written) throw new Error('expected a migration');
    expect(result.revisions).toHaveLength(1);
    const source = readFileSync(result.path, 'utf8');
    expect(source).not.toMatch(/notValid|concurrently|transactional/);
    await upgrade(env, { target: 'head' });
    expect(await constraints()).toEqual({ post_author_id_foreign: true, user_name_check: true, user_team_id_foreign: true });
  });
});

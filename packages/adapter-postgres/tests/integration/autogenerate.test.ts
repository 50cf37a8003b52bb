// @module-tag postgres
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  autogenerateRevision,
  check,
  createEnvironment,
  downgrade,
  loadConfig,
  upgrade,
  type MigrationEnvironment,
} from '@cloudguard/migrate-core';
import { defineEntity, p } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';

import { postgresAdapter, type PostgresAdapterOptions } from '../../src/index.js';
import { onCleanup, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_autogen');

const UserV1 = defineEntity({
  name: 'User',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(100),
    email: p.string().nullable(),
  },
});

// v2: a new column, an index, a nullability change, and a new table with a foreign key.
const UserV2 = defineEntity({
  name: 'User',
  indexes: [{ properties: ['name'] }],
  properties: {
    id: p.integer().primary(),
    name: p.string().length(100).nullable(),
    email: p.string().nullable(),
    age: p.integer().nullable(),
  },
});
const Post = defineEntity({
  name: 'Post',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(UserV2).deleteRule('cascade'),
  },
});

// v3, PostgreSQL's own: an enum type, a check, a unique constraint, a default, a length and a comment.
const UserV3 = defineEntity({
  name: 'User',
  indexes: [{ properties: ['name'] }],
  uniques: [{ properties: ['email'] }],
  checks: [{ name: 'user_age_check', expression: 'age >= 0' }],
  comment: 'People who sign in',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(200).nullable(),
    email: p.string().nullable(),
    age: p.integer().nullable(),
    role: p.enum(['admin', 'member']).nativeEnumName('user_role').default('member'),
  },
});
const PostV3 = defineEntity({
  name: 'Post',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(UserV3).deleteRule('cascade'),
  },
});

function project(): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-pg-autogen-'));
  onCleanup(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  return cwd;
}

async function environment(cwd: string, entities: readonly unknown[], options: PostgresAdapterOptions = {}): Promise<MigrationEnvironment> {
  const config = await loadConfig({ cwd, env: {}, url: url(), overrides: { adapter: postgresAdapter(options), entities, autogenerateAs: 'sql' } });
  return createEnvironment(config);
}

const versions = (cwd: string) => readdirSync(path.join(cwd, 'migrations', 'versions')).filter((name) => name.endsWith('.ts'));

async function tables(): Promise<string[]> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string }>(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    ),
  );
  return rows.map((row) => row.name);
}

async function types(): Promise<string[]> {
  const { rows } = await withClient(url(), (client) =>
    client.query<{ name: string }>("SELECT typname AS name FROM pg_type WHERE typtype = 'e' ORDER BY 1"),
  );
  return rows.map((row) => row.name);
}

describe('PostgreSQL autogenerate and drift check', () => {
  it('goes from entities to migrations and back, and check follows the entities', async () => {
    const cwd = project();
    let env = await environment(cwd, [UserV1]);

    const first = await autogenerateRevision(env, { message: 'Create users' });
    if (!first.written) throw new Error('expected a migration');
    expect(first.messages).toEqual(["Detected added table 'public.user'"]);
    const firstSource = readFileSync(first.path, 'utf8');
    expect(firstSource).toContain(
      `await op.execute('create table "user" ("id" serial primary key, "name" varchar(100) not null, "email" varchar(255) null)');`,
    );
    expect(firstSource).toContain(`await op.execute('drop table if exists "user" cascade');`);

    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [], problems: [] });
    expect(await autogenerateRevision(env, { message: 'Nothing' })).toMatchObject({ written: false, messages: ['No changes in schema detected.'] });
    expect(versions(cwd)).toHaveLength(1);
    await withClient(url(), (client) => client.query("INSERT INTO \"user\" (name, email) VALUES ('ada', 'ada@example.com')"));

    env = await environment(cwd, [UserV2, Post]);
    const drift = await check(env);
    expect(drift.ok).toBe(false);
    expect(drift.problems.map((problem) => problem.message).sort()).toEqual([
      "Detected added column 'public.user.age': int null",
      "Detected added index 'user_name_index' on 'public.user': name",
      "Detected added table 'public.post'",
      "Detected changed column 'public.user.name': nullable not null -> null",
    ]);
    expect(JSON.stringify(drift)).not.toMatch(/alembic_version|cgmigrate_audit/);

    const second = await autogenerateRevision(env, { message: 'Posts and ages' });
    if (!second.written) throw new Error('expected a migration');
    expect(second.notes).toEqual([]);
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
    const { rows } = await withClient(url(), (client) => client.query('SELECT name, email, age FROM "user"'));
    expect(rows).toEqual([{ name: 'ada', email: 'ada@example.com', age: null }]);

    await downgrade(env, { target: 'base' });
    expect(await tables()).toEqual(['public.alembic_version', 'public.cgmigrate_audit']);
  });

  it('covers enum types, checks, unique constraints, defaults, lengths and comments, both ways', async () => {
    const cwd = project();
    let env = await environment(cwd, [UserV2, Post]);
    await autogenerateRevision(env, { message: 'Users and posts' });
    await upgrade(env, { target: 'head' });

    env = await environment(cwd, [UserV3, PostV3]);
    const third = await autogenerateRevision(env, { message: 'Roles' });
    if (!third.written) throw new Error('expected a migration');
    expect([...third.messages].sort()).toEqual([
      "Detected added check constraint 'user_age_check' on 'public.user': expression age >= 0",
      "Detected added column 'public.user.role': user_role not null default 'member'",
      "Detected added enum type 'public.user_role': items admin, member",
      "Detected added unique constraint 'user_email_unique' on 'public.user': email",
      "Detected changed column 'public.user.name': type varchar(100) -> varchar(200)",
      "Detected changed table 'public.user': comment (none) -> People who sign in",
    ]);
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
    expect(await types()).toEqual(['user_role']);

    // Each down() undoes its up(): back to the first schema, then to nothing.
    await downgrade(env, { target: '-1' });
    expect(await types()).toEqual([]);
    const { rows } = await withClient(url(), (client) =>
      client.query(
        "SELECT column_name, character_maximum_length FROM information_schema.columns WHERE table_name = 'user' ORDER BY ordinal_position",
      ),
    );
    expect(rows).toEqual([
      { column_name: 'id', character_maximum_length: null },
      { column_name: 'name', character_maximum_length: 100 },
      { column_name: 'email', character_maximum_length: 255 },
      { column_name: 'age', character_maximum_length: null },
    ]);
    await downgrade(env, { target: 'base' });
    expect(await tables()).toEqual(['public.alembic_version', 'public.cgmigrate_audit']);
  });

  it('compares in the schema migrations run in', async () => {
    await withClient(url(), (client) => client.query('CREATE SCHEMA app'));
    const cwd = project();
    const env = await environment(cwd, [UserV1], { schema: 'app' });
    const first = await autogenerateRevision(env, { message: 'Create users' });
    if (!first.written) throw new Error('expected a migration');
    expect(first.messages).toEqual(["Detected added table 'app.user'"]);
    await upgrade(env, { target: 'head' });
    expect(await tables()).toEqual(['app.alembic_version', 'app.cgmigrate_audit', 'app.user']);
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
  });

  it('refuses to autogenerate against a database behind head', async () => {
    const cwd = project();
    const env = await environment(cwd, [UserV1]);
    await autogenerateRevision(env, { message: 'Create users' });
    const error = await autogenerateRevision(env, { message: 'Again' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'DB_NOT_UP_TO_DATE', message: 'Target database is not up to date.' });
    expect(versions(cwd)).toHaveLength(1);
  });
});

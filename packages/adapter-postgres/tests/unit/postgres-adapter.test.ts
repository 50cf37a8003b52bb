import { readFileSync } from 'node:fs';

import { ConfigInvalidError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import adapter, { postgresAdapter } from '../../src/index.js';
import { advisoryLockKey } from '../../src/postgres-lock.js';
import { setStatements } from '../../src/postgres-session.js';
import { versionTableDdl } from '../../src/postgres-store-dialect.js';
import { ALEMBIC_DDL } from '../support/alembic.js';

describe('postgresAdapter', () => {
  it('describes itself', () => {
    expect(adapter).toMatchObject({
      apiVersion: 1,
      name: 'postgresql',
      schemes: ['postgresql', 'postgres'],
      capabilities: { transactionalDdl: true, schemas: true },
    });
  });

  it('loads no driver or ORM until connect', () => {
    for (const file of ['index.ts', 'postgres-adapter.ts', 'postgres-url.ts']) {
      const source = readFileSync(new URL(`../../src/${file}`, import.meta.url), 'utf8');
      expect(source).not.toMatch(/^import (?!type)[^;]*from '(pg|kysely|@mikro-orm\/[a-z]+)'/m);
    }
  });

  it('turns timeouts into SET statements', () => {
    const timeouts = new Map([
      ['lock_timeout', '5s'],
      ['statement_timeout', '1500ms'],
    ]);
    expect(setStatements(timeouts, true)).toEqual(["SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '1500ms'"]);
    expect(setStatements(timeouts, false)).toEqual(["SET lock_timeout = '5s'", "SET statement_timeout = '1500ms'"]);
  });

  it.each([
    [{ lockTimeout: -1 }, 'lockTimeout', '-1'],
    [{ lockTimeout: 1.5 }, 'lockTimeout', '1.5'],
    [{ statementTimeout: "5s'; DROP TABLE x; --" as never }, 'statementTimeout', `"5s'; DROP TABLE x; --"`],
    [{ statementTimeout: '5 seconds' as never }, 'statementTimeout', '"5 seconds"'],
  ])('rejects %j', (options, option, shown) => {
    expect(() => postgresAdapter(options)).toThrow(ConfigInvalidError);
    expect(() => postgresAdapter(options)).toThrow(
      `postgresAdapter: ${option} must be a whole number of milliseconds or a duration such as '5s' or '500ms', not ${shown}`,
    );
  });

  it('rejects an empty schema', () => {
    expect(() => postgresAdapter({ schema: '' })).toThrow('postgresAdapter: schema must not be empty');
  });
});

describe('versionTableDdl', () => {
  it("is Alembic's CREATE TABLE, with names quoted", () => {
    expect(versionTableDdl({ name: 'alembic_version' })).toBe(ALEMBIC_DDL.trim().replace(/alembic_version(_pkc)?/g, '"$&"'));
    expect(versionTableDdl({ name: 'Versions', schema: 'Ops' }, true)).toMatch(
      /^CREATE TABLE IF NOT EXISTS "Ops"\."Versions" \(\n[^]*CONSTRAINT "Versions_pkc" PRIMARY KEY \(version_num\)\n\)$/,
    );
  });
});

describe('advisoryLockKey', () => {
  it('is stable, and differs per table and schema', () => {
    expect(advisoryLockKey('public', 'alembic_version')).toBe(advisoryLockKey('public', 'alembic_version'));
    expect(advisoryLockKey('public', 'alembic_version')).toMatchInlineSnapshot(`2821180790103240n`);
    expect(advisoryLockKey('ops', 'alembic_version')).not.toBe(advisoryLockKey('public', 'alembic_version'));
    expect(advisoryLockKey('public', 'other')).not.toBe(advisoryLockKey('public', 'alembic_version'));
  });
});

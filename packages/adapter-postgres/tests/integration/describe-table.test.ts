import { describe, expect, it } from 'vitest';

import { connect, connectOptions, useTestDatabase, withClient } from '../support/fixtures.js';

const databaseUrl = useTestDatabase('cgm_pg_describe');

describe('Session.describeTable on PostgreSQL', () => {
  it("reads a table's definition in the session's transaction, as portable data with the types PostgreSQL reports", async () => {
    await withClient(databaseUrl(), (client) =>
      client.query(`
        CREATE TYPE plan AS ENUM ('free', 'pro');
        CREATE TABLE owners (id serial PRIMARY KEY);
        CREATE TABLE accounts (
          id serial PRIMARY KEY,
          email varchar(320) NOT NULL,
          plan plan NOT NULL DEFAULT 'free',
          owner_id int REFERENCES owners (id) ON DELETE CASCADE,
          score numeric(5, 2),
          seen_at timestamptz,
          CONSTRAINT uq_accounts_email UNIQUE (email),
          CONSTRAINT ck_accounts_score CHECK (score >= 0)
        );
        CREATE INDEX ix_accounts_seen ON accounts (seen_at) WHERE seen_at IS NOT NULL;
        COMMENT ON TABLE accounts IS 'Who signs in';
      `),
    );
    const connection = await connect(connectOptions(databaseUrl()));
    const [accounts, missing] = await connection.transaction(async (session) => [
      await session.describeTable!({ name: 'accounts' }),
      await session.describeTable!({ name: 'nothing_here' }),
    ]);
    expect(missing).toBeUndefined();
    expect(accounts).toMatchObject({
      table: { name: 'accounts' },
      primaryKey: { name: 'accounts_pkey', columns: ['id'] },
      uniques: [{ name: 'uq_accounts_email', columns: ['email'] }],
      indexes: [{ name: 'ix_accounts_seen', columns: ['seen_at'], unique: false, where: 'seen_at IS NOT NULL' }],
      checks: [{ name: 'ck_accounts_score', expression: 'score >= 0' }],
      foreignKeys: [
        { name: 'accounts_owner_id_fkey', columns: ['owner_id'], referencedTable: { name: 'owners' }, referencedColumns: ['id'], onDelete: 'cascade' },
      ],
      comment: 'Who signs in',
    });
    expect(accounts?.columns.map(({ name, type, nativeType, nullable, default: value, values, enumName }) => ({ name, type, nativeType, nullable, default: value, values, enumName }))).toEqual([
      { name: 'id', type: 'integer', nativeType: { postgresql: 'int4' }, nullable: false, default: undefined, values: undefined, enumName: undefined },
      { name: 'email', type: 'string', nativeType: { postgresql: 'varchar(320)' }, nullable: false, default: undefined, values: undefined, enumName: undefined },
      { name: 'plan', type: 'enum', nativeType: { postgresql: '"plan"' }, nullable: false, default: { sql: "'free'" }, values: ['free', 'pro'], enumName: 'plan' },
      { name: 'owner_id', type: 'integer', nativeType: { postgresql: 'int4' }, nullable: true, default: undefined, values: undefined, enumName: undefined },
      { name: 'score', type: 'decimal', nativeType: { postgresql: 'numeric(5,2)' }, nullable: true, default: undefined, values: undefined, enumName: undefined },
      { name: 'seen_at', type: 'datetime', nativeType: { postgresql: 'timestamptz(6)' }, nullable: true, default: undefined, values: undefined, enumName: undefined },
    ]);
  });
});

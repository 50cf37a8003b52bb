import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestDatabase } from '../../../../tools/test-db/postgres.js';
import { getJson, startService } from '../support/service-process.js';

interface Target {
  readonly name: string;
  /** Vitest tags: `postgres` skips the tests, with the reason, when the test command has no server for them. */
  readonly tags: readonly string[];
  url(): string;
  versions(): Promise<string[] | undefined>;
  tables(): Promise<string[]>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

function sqliteTarget(): Target {
  let dir = '';
  const file = () => path.join(dir, 'service.db');
  const read = <T>(sql: string): T[] => {
    const db = new DatabaseSync(file(), { readOnly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };
  return {
    name: 'SQLite',
    tags: [],
    url: () => `sqlite:///${file()}`,
    async versions() {
      if (!existsSync(file())) return undefined;
      return read<{ version_num: string }>('SELECT version_num FROM alembic_version').map((row) => row.version_num);
    },
    async tables() {
      if (!existsSync(file())) return [];
      return read<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map(
        (row) => row.name,
      );
    },
    async setUp() {
      dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-service-'));
    },
    async tearDown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresTarget(): Target {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const query = async <T>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      return ((await client.query(sql)) as { rows: T[] }).rows;
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    tags: ['postgres'],
    url: () => db!.url,
    async versions() {
      const exists = await query<{ found: boolean }>("SELECT to_regclass('alembic_version') IS NOT NULL AS found");
      if (!exists[0]?.found) return undefined;
      return (await query<{ version_num: string }>('SELECT version_num FROM alembic_version')).map((row) => row.version_num);
    },
    async tables() {
      return (
        await query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        )
      ).map((row) => row.table_name);
    },
    async setUp() {
      db = await createTestDatabase('cgmigrate_service_e2e');
    },
    async tearDown() {
      await db?.drop();
    },
  };
}

for (const target of [sqliteTarget(), postgresTarget()]) describe(`the example service on ${target.name}`, { tags: [...target.tags] }, () => {
  beforeAll(() => target.setUp());
  afterAll(() => target.tearDown());

  it('refuses to start in read-only mode while migrations are pending, and changes nothing', async () => {
    const service = startService({ DATABASE_URL: target.url(), SERVICE_READ_ONLY: 'true' });
    expect(await service.exited).toBe(1);
    const errors = service.lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.msg)).toEqual([
      'Refusing to start in read-only mode: the database is 2 migration(s) behind (pending: a1f3c2, b7d9e4). ' +
        'Run `cgmigrate upgrade head` (or start once without SERVICE_READ_ONLY), then start again.',
    ]);
    expect(service.lines.some((line) => line.msg.startsWith('Running upgrade'))).toBe(false);
    expect(await target.versions()).toBeUndefined();
    expect(await target.tables()).toEqual([]);
  });

  it('migrates itself at start-up, logging each step through its own logger, then serves', async () => {
    const service = startService({ DATABASE_URL: target.url() });
    try {
      const port = await service.listening;
      expect(service.lines.filter((line) => line.level === 'info').map((line) => line.msg)).toEqual([
        'Running upgrade  -> a1f3c2, Create scans',
        'Running upgrade a1f3c2 -> b7d9e4, Add scan findings',
        'Migrated the database to b7d9e4 (2 step(s))',
        `Listening on http://127.0.0.1:${port}`,
      ]);
      expect(await target.versions()).toEqual(['b7d9e4']);
      expect(await target.tables()).toEqual(['alembic_version', 'cgmigrate_audit', 'findings', 'scans']);
      expect(await getJson(port, '/health')).toEqual({ status: 200, body: { status: 'ok', revisions: ['b7d9e4'] } });
      const { body } = await getJson<{ revisions: { id: string; message: string; appliedAt: string | null }[] }>(port, '/migrations');
      expect(body.revisions.map((rev) => [rev.id, rev.message])).toEqual([
        ['b7d9e4', 'Add scan findings'],
        ['a1f3c2', 'Create scans'],
      ]);
      for (const rev of body.revisions) expect(Date.now() - Date.parse(rev.appliedAt!)).toBeLessThan(60_000);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });

  it('starts in read-only mode once the database is up to date, and a second start migrates nothing', async () => {
    const readOnly = startService({ DATABASE_URL: target.url(), SERVICE_READ_ONLY: 'true' });
    try {
      const port = await readOnly.listening;
      expect(readOnly.lines.map((line) => line.msg)).toContain('Read-only mode: the database is up to date; no migration was run');
      expect((await getJson(port, '/health')).body).toEqual({ status: 'ok', revisions: ['b7d9e4'] });
    } finally {
      expect(await readOnly.stop()).toBe(0);
    }
    const again = startService({ DATABASE_URL: target.url() });
    try {
      await again.listening;
      expect(again.lines.map((line) => line.msg)).toContain('Database already at b7d9e4');
      expect(again.lines.some((line) => line.msg.startsWith('Running upgrade'))).toBe(false);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  });

  it('refuses to start with a clear message when the database cannot be reached, never showing the password', async () => {
    const unreachable = target.name === 'SQLite' ? 'sqlite:////no/such/dir/service.db' : 'postgresql://app:s3cret-pw@127.0.0.1:1/service';
    const service = startService({ DATABASE_URL: unreachable });
    expect(await service.exited).toBe(1);
    const [error] = service.lines.filter((line) => line.level === 'error');
    expect(error?.msg).toMatch(/^Refusing to start: the database could not be prepared \[DATABASE_ERROR\]: /);
    expect(service.stderr()).not.toContain('s3cret-pw');
  });
});

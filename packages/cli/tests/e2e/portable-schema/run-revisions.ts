/**
 * Runs generated revisions on one database through the public API, as a user's project
 * would: real migration files in a temporary script directory, `upgrade` to head, every
 * table read back through the adapter's `describeTable`, then `downgrade` to base.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
import { createEnvironment, downgrade, loadConfig, upgrade, type DialectAdapter } from '@cloudguard/migrate-core';
import type { TableDescription } from '@cloudguard/migrate-core/adapter';

import { createTestDatabase } from '../../../../../tools/test-db/postgres.js';
import { renderMigration, type RevisionSteps } from './render-migration.js';

/** The version and audit tables: what `downgrade base` leaves behind. */
export const BOOKKEEPING_TABLES = ['alembic_version', 'cgmigrate_audit'] as const;

export type Dialect = 'sqlite' | 'postgresql';

/** What one database held after the upgrade, and which tables remained after the downgrade. */
export interface DialectOutcome {
  /** Every table but the bookkeeping ones, described, by name. */
  readonly tables: Readonly<Record<string, TableDescription>>;
  /** The views' names, sorted. */
  readonly views: readonly string[];
  /** The tables left after `downgrade base`, sorted. */
  readonly tablesAfterDowngrade: readonly string[];
}

const LIST_SQL: Record<Dialect, { tables: string; views: string }> = {
  sqlite: {
    tables: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    views: "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name",
  },
  postgresql: {
    tables: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    views: "SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1",
  },
};

/** Writes the revisions as `.mjs` files, each standing on the one before. */
function writeProject(revisions: readonly RevisionSteps[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-portable-schema-'));
  mkdirSync(path.join(dir, 'versions'));
  revisions.forEach((steps, i) => {
    const id = revisionId(i);
    writeFileSync(path.join(dir, 'versions', `${id}_step.mjs`), renderMigration(id, i === 0 ? null : revisionId(i - 1), steps));
  });
  return dir;
}

export const revisionId = (i: number): string => `ps${String(i).padStart(4, '0')}`;

async function listNames(adapter: DialectAdapter, url: string, cwd: string, sql: string): Promise<string[]> {
  const connection = await adapter.connect({ url, cwd, versionTable: { name: 'alembic_version' }, purpose: 'inspect' });
  try {
    return (await connection.autocommit((session) => session.query(sql))).map((row) => String(row['name']));
  } finally {
    await connection.close();
  }
}

async function describeAll(adapter: DialectAdapter, url: string, cwd: string, names: readonly string[]): Promise<Record<string, TableDescription>> {
  const connection = await adapter.connect({ url, cwd, versionTable: { name: 'alembic_version' }, purpose: 'migrate' });
  try {
    const tables: Record<string, TableDescription> = {};
    for (const name of names) {
      const described = await connection.autocommit((session) => {
        if (session.describeTable === undefined) throw new Error("the adapter's sessions have no describeTable");
        return session.describeTable({ name });
      });
      if (described !== undefined) tables[name] = described;
    }
    return tables;
  } finally {
    await connection.close();
  }
}

/**
 * Upgrades a fresh database of `dialect` through every revision, reads it, and
 * downgrades it to base. The database and the project are removed afterwards.
 */
export async function runRevisions(dialect: Dialect, revisions: readonly RevisionSteps[]): Promise<DialectOutcome> {
  const project = writeProject(revisions);
  const database = dialect === 'postgresql' ? await createTestDatabase('cgm_portable') : undefined;
  try {
    const url = database?.url ?? 'sqlite:///app.db';
    const adapter = dialect === 'postgresql' ? postgresAdapter() : sqliteAdapter();
    const config = await loadConfig({ cwd: project, url, env: {}, overrides: { scriptLocation: project, adapter } });
    const env = createEnvironment(config);
    await upgrade(env, { target: 'head' });
    const names = (await listNames(adapter, url, project, LIST_SQL[dialect].tables)).filter(
      (name) => !(BOOKKEEPING_TABLES as readonly string[]).includes(name),
    );
    const tables = await describeAll(adapter, url, project, names);
    const views = await listNames(adapter, url, project, LIST_SQL[dialect].views);
    await downgrade(env, { target: 'base' });
    const tablesAfterDowngrade = await listNames(adapter, url, project, LIST_SQL[dialect].tables);
    return { tables, views, tablesAfterDowngrade };
  } finally {
    await database?.drop();
    rmSync(project, { recursive: true, force: true });
  }
}

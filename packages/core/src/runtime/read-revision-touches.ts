/**
 * Reads what one revision's `up()` touches without a database: it runs against an `op`
 * that records. Schema operations are read as the data they are; raw SQL
 * (`op.execute`, `op.bulkInsert`, writes built with `op.db`) is rendered as offline
 * mode renders it, then read by the adapter's {@link StatementReader}. What cannot be
 * read is said, never taken as touching nothing.
 *
 * @packageDocumentation
 */

import type { OfflineRenderer, OfflineStatementSink } from '../adapter/dialect-adapter.js';
import type { StatementReader } from '../adapter/statement-reader.js';
import type { MigrationOperations } from '../migration.js';
import { refusingProxy } from '../offline/refusing-proxy.js';
import { touchesOfOperation, type TouchedObject } from '../operations/touched-object.js';
import type { RevisionTouches } from '../revision/branch-conflict-finder.js';
import type { Revision } from '../revision/revision.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { statementForDialect } from './run-schema-operation.js';
import { oneLineStatement } from './run-state.js';
import { schemaMethods } from './schema-methods.js';

/** A statement (or a part of a migration) whose effect could not be read. */
export interface UnreadableStatement {
  readonly revision: string;
  readonly path: string | undefined;
  /** The statement's first characters, white space collapsed; absent when no statement is at fault (the migration reads the database, or fails). */
  readonly statement?: string | undefined;
  /** Why it could not be read: the parser's message, or what the migration did. */
  readonly reason: string;
}

/** What a revision touches, and what of it could not be read. */
export interface RevisionReading extends RevisionTouches {
  readonly unreadable: readonly UnreadableStatement[];
}

/** How raw SQL is rendered and read; each is loaded on first use and may be missing. */
export interface SqlReadingTools {
  /** `op.dialect` for the migrations. */
  readonly dialect: string;
  readonly renderer: () => Promise<OfflineRenderer | undefined>;
  readonly reader: () => Promise<StatementReader | undefined>;
}

/** How much of a statement messages show, `…` included. */
const STATEMENT_START = 61;

/** Raised inside the recorded `up()` when it reads the database: what follows cannot be known. */
class ReadRefused extends Error {}

/**
 * What `revision`'s `up()` touches. The migration is imported (once per script
 * directory) and run against a recording `op`; it never reaches a database.
 */
export async function readRevisionTouches(scripts: ScriptDirectory, revision: Revision, tools: SqlReadingTools): Promise<RevisionReading> {
  const touches: TouchedObject[] = [];
  const unreadable: UnreadableStatement[] = [];
  const statements: string[] = [];
  const where = { revision: revision.id, path: revision.path };
  const renderer = await tools.renderer();
  const refuse = (what: string): never => {
    throw new ReadRefused(`it reads the database (${what}), so what it does from there on cannot be known without running it`);
  };
  const sink: OfflineStatementSink = { statement: (sql) => void statements.push(sql), refuseRead: refuse };
  const op: MigrationOperations = {
    dialect: tools.dialect,
    offline: true,
    execute: async (sql, params = []) => {
      const text = typeof sql === 'string' ? sql : statementForDialect(sql, { dialect: tools.dialect, revision: revision.id, path: revision.path });
      if (params.length === 0) statements.push(text);
      else if (renderer !== undefined) statements.push(renderer.inline(text, params));
      else unreadable.push({ ...where, statement: oneLineStatement(text, STATEMENT_START), reason: `the ${tools.dialect} adapter cannot render SQL offline to fill in its parameters` });
    },
    query: async () => refuse('op.query'),
    bulkInsert: async (table, rows) => {
      if (renderer === undefined) unreadable.push({ ...where, reason: `op.bulkInsert('${table}', …): the ${tools.dialect} adapter cannot render SQL offline` });
      else statements.push(...renderer.bulkInsert(table, rows));
    },
    db: renderer?.queryBuilder?.(sink) ?? refusingProxy('op.db', (use) => refuse(use)),
    connection: refusingProxy('op.connection', (use) => refuse(use)),
    ...schemaMethods(async (_call, build) => void touches.push(...touchesOfOperation(build()))),
  };
  try {
    const migration = await scripts.importMigration(revision);
    await migration.up(op);
  } catch (error) {
    const reason = error instanceof ReadRefused ? error.message : `its up() failed when read offline: ${error instanceof Error ? error.message : String(error)}`;
    unreadable.push({ ...where, reason });
  }
  if (statements.length > 0) {
    const reader = await tools.reader();
    for (const sql of statements) {
      const reading = reader?.read(sql) ?? { readable: false as const, reason: `the ${tools.dialect} adapter cannot read SQL (it has no statementReader)` };
      if (reading.readable) touches.push(...reading.touches);
      else unreadable.push({ ...where, statement: oneLineStatement(sql, STATEMENT_START), reason: reading.reason });
    }
  }
  return { ...where, touches, unreadable };
}

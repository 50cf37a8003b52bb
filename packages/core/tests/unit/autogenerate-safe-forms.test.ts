import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { DialectAdapter } from '../../src/adapter/dialect-adapter.js';
import type { SchemaComparison } from '../../src/adapter/schema-change.js';
import type { SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { autogenerateRevision } from '../../src/commands/revision.js';
import { loadConfig } from '../../src/config/load-config.js';
import { OperationNotSupportedError } from '../../src/errors.js';
import type { SchemaOperation, TableChange } from '../../src/operations/schema-operation.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/**
 * `autogenerateRevision` with `safeForms`: which files it writes and what they say. The
 * differ and the compiler are doubles (what they return is the adapter's business, tested
 * in the adapters); running the files on PostgreSQL is the PostgreSQL adapter's test.
 */

const NOW = new Date('2024-05-01T10:00:00Z');

/** A compiler that writes every operation, as PostgreSQL's does. */
const WRITES_ALL: SchemaOperationCompiler = { compile: async () => ({ statements: ['-- compiled'] }) };

/** A compiler that refuses what only PostgreSQL has, as SQLite's does. */
const REFUSES_SAFE_FORMS: SchemaOperationCompiler = {
  compile: async (operation) => {
    const changes = operation.kind === 'alterTable' ? operation.changes : [];
    if (changes.some((change) => (change.kind === 'createIndex' && change.concurrently) || change.kind === 'validateConstraint')) {
      throw new OperationNotSupportedError('alterTable', 'sqlite', 'SQLite has no such thing');
    }
    return { statements: ['-- compiled'] };
  },
};

function adapterWith(comparison: SchemaComparison, compiler: SchemaOperationCompiler): DialectAdapter {
  const memory = createMemoryAdapter();
  return {
    ...memory,
    async connect(options) {
      const connection = await memory.connect(options);
      return Object.assign(connection, { schemaDiffer: { compare: async () => comparison }, operationCompiler: compiler });
    },
  };
}

async function project(adapter: DialectAdapter) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-safe-forms-'));
  const versions = path.join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const config = await loadConfig({ cwd, env: {}, url: 'memory://app', overrides: { adapter, entities: [{ name: 'User' }] } });
  return { env: createEnvironment(config), files: () => readdirSync(versions).sort() };
}

const alter = (name: string, ...changes: TableChange[]): SchemaOperation => ({ kind: 'alterTable', table: { name }, changes, batch: changes.length > 1 });
const userNameIndex: TableChange = { kind: 'createIndex', index: { name: 'user_name_index', columns: ['name'], unique: false }, concurrently: false, ifNotExists: false };
const teamKey: TableChange = {
  kind: 'addForeignKey',
  foreignKey: { name: 'user_team_id_foreign', columns: ['team_id'], referencedTable: { name: 'team' }, referencedColumns: ['id'], onDelete: 'set null' },
};

/** Users get a team (a new table), a key to it and an index on their name. */
const usersInTeams: SchemaComparison = {
  up: ['-- the SQL of the same change'],
  down: ['-- and back'],
  changes: [
    { action: 'add', object: 'table', name: 'team', details: [] },
    { action: 'add', object: 'column', table: 'user', name: 'team_id', details: [] },
  ],
  warnings: [],
  upOperations: [
    {
      kind: 'createTable',
      table: { name: 'team' },
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'name', type: 'string' },
      ],
      indexes: [{ name: 'team_name_index', columns: ['name'], unique: false }],
      uniques: [],
      foreignKeys: [],
      checks: [],
    },
    alter('user', { kind: 'addColumn', column: { name: 'team_id', type: 'integer' } }, userNameIndex, teamKey),
  ],
  downOperations: [
    alter(
      'user',
      { kind: 'dropConstraint', name: 'user_team_id_foreign', type: 'foreignKey' },
      { kind: 'dropIndex', name: 'user_name_index', concurrently: false, ifExists: false },
      { kind: 'dropColumn', column: 'team_id' },
    ),
    { kind: 'dropTable', table: { name: 'team' }, ifExists: false },
  ],
};

describe('autogenerateRevision with safeForms', () => {
  it('writes a second, transactional: false revision that builds the index concurrently and validates the key added NOT VALID', async () => {
    const { env, files } = await project(adapterWith(usersInTeams, WRITES_ALL));
    const result = await autogenerateRevision(env, { message: 'Users in teams', revId: 'a1', safeForms: true, now: NOW });
    if (!result.written) throw new Error('expected files');
    expect(files()).toEqual([path.basename(result.revisions[0]!.path), path.basename(result.revisions[1]!.path)].sort());
    const [first, second] = result.revisions;
    expect(result.path).toBe(first!.path);
    expect(first!.revision).toMatchObject({ id: 'a1', isHead: false, nextRevisions: [second!.revision.id] });
    expect(second!.revision).toMatchObject({ downRevisions: ['a1'], isHead: true, message: 'Users in teams (concurrent indexes and constraint validation)' });

    const firstSource = readFileSync(first!.path, 'utf8');
    expect(firstSource).not.toContain('transactional');
    expect(firstSource).toContain(
      [
        '  async up(op) {',
        "    await op.createTable('team', {",
        "      id: { type: 'integer', primaryKey: true },",
        "      name: { type: 'string' },",
        "    }, { indexes: [{ name: 'team_name_index', columns: ['name'] }] });",
        '    await op.batchAlterTable(\'user\', (batch) => {',
        "      batch.addColumn('team_id', { type: 'integer' });",
        "      batch.createForeignKey('user_team_id_foreign', ['team_id'], 'team', ['id'], { onDelete: 'set null', notValid: true });",
        '    });',
        '  },',
        '',
        '  async down(op) {',
        "    await op.batchAlterTable('user', (batch) => {",
        "      batch.dropConstraint('user_team_id_foreign', 'foreignKey');",
        "      batch.dropColumn('team_id');",
        '    });',
        "    await op.dropTable('team');",
        '  },',
      ].join('\n'),
    );

    const secondSource = readFileSync(second!.path, 'utf8');
    expect(secondSource).toContain(`  downRevision: 'a1',`);
    expect(secondSource).toContain("  message: 'Users in teams (concurrent indexes and constraint validation)',\n  transactional: false,\n");
    expect(secondSource).toContain(
      [
        "    await op.createIndex('user_name_index', 'user', ['name'], { concurrently: true });",
        "    await op.validateConstraint('user_team_id_foreign', 'user');",
        '  },',
        '',
        '  async down(op) {',
        "    await op.dropIndex('user_name_index', 'user', { concurrently: true });",
        '  },',
      ].join('\n'),
    );
  });

  it('writes one file, as without the switch, where the compiler refuses the safe forms (SQLite)', async () => {
    const safe = await project(adapterWith(usersInTeams, REFUSES_SAFE_FORMS));
    const plain = await project(adapterWith(usersInTeams, REFUSES_SAFE_FORMS));
    const asked = await autogenerateRevision(safe.env, { message: 'Users in teams', revId: 'a1', safeForms: true, now: NOW });
    const without = await autogenerateRevision(plain.env, { message: 'Users in teams', revId: 'a1', now: NOW });
    if (!asked.written || !without.written) throw new Error('expected files');
    expect(asked.revisions).toHaveLength(1);
    expect(safe.files()).toHaveLength(1);
    expect(readFileSync(asked.path, 'utf8')).toBe(readFileSync(without.path, 'utf8'));
    expect(readFileSync(asked.path, 'utf8')).toContain("batch.createIndex('user_name_index', ['name']);");
  });

  it('writes one transactional: false file when index builds and validations are all there is', async () => {
    const indexOnly: SchemaComparison = {
      ...usersInTeams,
      upOperations: [alter('user', userNameIndex)],
      downOperations: [alter('user', { kind: 'dropIndex', name: 'user_name_index', concurrently: false, ifExists: false })],
    };
    const { env, files } = await project(adapterWith(indexOnly, WRITES_ALL));
    const result = await autogenerateRevision(env, { message: 'Index names', safeForms: true, now: NOW });
    if (!result.written) throw new Error('expected a file');
    expect(files()).toHaveLength(1);
    expect(result.revisions).toHaveLength(1);
    const source = readFileSync(result.path, 'utf8');
    expect(source).toContain("  message: 'Index names',\n  transactional: false,\n");
    expect(source).toContain("    await op.createIndex('user_name_index', 'user', ['name'], { concurrently: true });");
    expect(source).toContain("    await op.dropIndex('user_name_index', 'user', { concurrently: true });");
  });

  it('writes one file when nothing needs a safe form, and notes what to do by hand when writing SQL', async () => {
    const newTableOnly: SchemaComparison = { ...usersInTeams, upOperations: usersInTeams.upOperations!.slice(0, 1), downOperations: usersInTeams.downOperations!.slice(1) };
    const nothing = await project(adapterWith(newTableOnly, WRITES_ALL));
    const plain = await autogenerateRevision(nothing.env, { message: 'Teams', safeForms: true, now: NOW });
    expect(plain.written && plain.revisions).toHaveLength(1);
    expect(nothing.files()).toHaveLength(1);

    const sql = await project(adapterWith(usersInTeams, WRITES_ALL));
    const written = await autogenerateRevision(sql.env, { message: 'Users in teams', as: 'sql', safeForms: true, now: NOW });
    if (!written.written) throw new Error('expected a file');
    expect(sql.files()).toHaveLength(1);
    expect(written.notes).toEqual([expect.stringContaining('Written as SQL statements, so without the safe forms (lint.safeAutogenerate)')]);
    expect(readFileSync(written.path, 'utf8')).toContain("await op.execute('-- the SQL of the same change');");
  });
});

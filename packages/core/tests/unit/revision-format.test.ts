import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { DialectAdapter } from '../../src/adapter/dialect-adapter.js';
import type { MigrationClassFile, MigrationClassFileRequest, MigrationClassSupport } from '../../src/adapter/migration-class-support.js';
import type { SchemaComparison } from '../../src/adapter/schema-change.js';
import type { SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { autogenerateRevision, revision } from '../../src/commands/revision.js';
import { loadConfig } from '../../src/config/load-config.js';
import { MigrationFormatNotSupportedError } from '../../src/errors.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';

/**
 * `revision` and `autogenerateRevision` with `format: 'mikro-orm'`: what core asks the
 * adapter's renderer, where it writes what the renderer returns, and what it refuses.
 * The renderer is a double that records each request and writes a file in cgmigrate's own
 * shape, so that the script directory reads it back whatever it knows of classes; the
 * MikroORM file itself is the kit's test (mikro-orm-migration-file.test.ts).
 */

const NOW = new Date('2024-11-16T09:30:00Z');

/** A renderer that names files `Fake<epoch>[_<name>].ts` and records what it was asked. */
function recordingRenderer() {
  const requests: MigrationClassFileRequest[] = [];
  const render = async (request: MigrationClassFileRequest): Promise<MigrationClassFile> => {
    requests.push(request);
    const className = `Fake${request.createDate.getTime() / 1000}${request.name ? `_${request.name}` : ''}`;
    const source = [
      'export default {',
      `  revision: ${JSON.stringify(request.revision)},`,
      `  downRevision: ${JSON.stringify(request.downRevisions.length === 0 ? null : request.downRevisions)},`,
      `  message: ${JSON.stringify(request.message ?? className)},`,
      `  async up(op) { ${request.up.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ')} },`,
      `  async down(op) { ${request.down.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ')} },`,
      '};',
      '',
    ].join('\n');
    return { fileName: `${className}.ts`, className, source };
  };
  return { requests, render };
}

type Support = Partial<MigrationClassSupport> & { readonly framework: string };

/** The memory adapter, with a schema differ returning `comparison` and `migrationClasses()` returning `support`. */
function adapterWith(options: { comparison?: SchemaComparison | undefined; support?: Support | undefined; compiler?: SchemaOperationCompiler | undefined }): DialectAdapter {
  const memory = createMemoryAdapter();
  const { comparison, support, compiler } = options;
  return {
    ...memory,
    ...(support === undefined ? {} : { migrationClasses: async () => ({ toMigration: () => 'not run in these tests', ...support }) }),
    async connect(connectOptions) {
      const connection = await memory.connect(connectOptions);
      if (comparison === undefined) return connection;
      return Object.assign(connection, { schemaDiffer: { compare: async () => comparison }, ...(compiler ? { operationCompiler: compiler } : {}) });
    },
  };
}

async function project(adapter: DialectAdapter, config: { truncateSlugLength?: number } = {}) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-revision-format-'));
  const versions = path.join(cwd, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const loaded = await loadConfig({ cwd, env: {}, url: 'memory://app', overrides: { adapter, entities: [{ name: 'User' }], ...config } });
  return { env: createEnvironment(loaded), versions, files: () => readdirSync(versions).sort() };
}

const addScan: SchemaComparison = {
  up: ['create table `scan` (`id` integer not null primary key)'],
  down: ['drop table `scan`'],
  changes: [{ action: 'add', object: 'table', name: 'scan', details: [] }],
  warnings: ["Table 'scan' is new."],
};

describe("revision with format: 'mikro-orm'", () => {
  it("asks the adapter's renderer for a blank migration, writes its file into versions/, and reads it back", async () => {
    const renderer = recordingRenderer();
    const { env, versions, files } = await project(adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render } }));
    const first = await revision(env, { format: 'mikro-orm', revId: 'a1', now: NOW });
    expect(renderer.requests[0]).toEqual({
      revision: 'a1',
      downRevisions: [],
      branchLabels: [],
      dependsOn: [],
      message: undefined,
      name: undefined,
      createDate: NOW,
      up: [],
      down: [],
      notes: [],
    });
    expect(first.path).toBe(path.join(versions, 'Fake1731749400.ts'));
    // Without a message, the class's name is the revision's message.
    expect(first.revision).toMatchObject({ id: 'a1', message: 'Fake1731749400', isHead: true });

    const second = await revision(env, {
      format: 'mikro-orm',
      message: '  Add scan duration (ms) ',
      revId: 'b2',
      branchLabel: 'scans',
      dependsOn: ['a1'],
      now: new Date('2024-11-16T09:31:00Z'),
    });
    expect(renderer.requests[1]).toMatchObject({
      revision: 'b2',
      downRevisions: ['a1'],
      branchLabels: ['scans'],
      dependsOn: ['a1'],
      message: 'Add scan duration (ms)',
      // The message's slug is MikroORM's migration name, whatever the config's fileTemplate.
      name: 'add_scan_duration_ms',
    });
    expect(path.basename(second.path)).toBe('Fake1731749460_add_scan_duration_ms.ts');
    expect(second.revision).toMatchObject({ id: 'b2', downRevisions: ['a1'], message: 'Add scan duration (ms)' });
    expect(files()).toEqual(['Fake1731749400.ts', 'Fake1731749460_add_scan_duration_ms.ts']);

    // An empty message is no message; the slug is cut as the config's truncateSlugLength says.
    const short = await project(adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: recordingRenderer().render } }), { truncateSlugLength: 8 });
    const cut = await revision(short.env, { format: 'mikro-orm', message: 'Add scan duration', now: NOW });
    expect(path.basename(cut.path)).toBe('Fake1731749400_add_.ts');
    const unnamed = await revision(short.env, { format: 'mikro-orm', message: '   ', now: new Date('2024-11-16T09:32:00Z') });
    expect(unnamed.revision.message).toBe('Fake1731749520');
  });

  it('writes the template as before without a format, and still requires its message', async () => {
    const renderer = recordingRenderer();
    const { env, files } = await project(adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render } }));
    await revision(env, { message: 'Plain', revId: 'c3', now: NOW });
    await revision(env, { format: 'cgmigrate', message: 'Also plain', revId: 'd4', now: NOW });
    expect(renderer.requests).toEqual([]);
    expect(files()).toEqual(['20241116_c3_plain.ts', '20241116_d4_also_plain.ts']);
    await expect(revision(env, {})).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
    await expect(revision(env, { format: 'cgmigrate', message: ' ' })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('refuses an adapter that cannot render the format, naming it and what it lacks, and writes nothing', async () => {
    const cases: { support: Support | undefined; reason: string }[] = [
      { support: undefined, reason: "the memory adapter has no migrationClasses(), which MikroORM's migration classes need" },
      {
        support: { framework: 'MikroORM' },
        reason: "the memory adapter runs MikroORM's migration classes but cannot write one (its migrationClasses() has no renderMigrationFile)",
      },
      { support: { framework: 'TypeORM', renderMigrationFile: recordingRenderer().render }, reason: "the memory adapter's migration classes are TypeORM's, not MikroORM's" },
    ];
    for (const { support, reason } of cases) {
      const { env, files } = await project(adapterWith({ support, comparison: addScan }));
      for (const attempt of [revision(env, { format: 'mikro-orm' }), autogenerateRevision(env, { format: 'mikro-orm' })]) {
        const error = await attempt.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(MigrationFormatNotSupportedError);
        expect(error).toMatchObject({ code: 'MIGRATION_FORMAT_NOT_SUPPORTED', format: 'mikro-orm', problem: 'no-renderer', adapter: 'memory', reason });
      }
      expect(files()).toEqual([]);
    }
  });

  it('pins the message', () => {
    expect(new MigrationFormatNotSupportedError('mikro-orm', 'no-renderer', 'sqlite', 'the sqlite adapter has no migrationClasses()').message).toBe(
      'Cannot write a revision in the mikro-orm format: the sqlite adapter has no migrationClasses()',
    );
  });

  it("refuses cgmigrate's bodies and schema operations in a class, and a file name the script directory would not read", async () => {
    const renderer = recordingRenderer();
    const { env, files } = await project(adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render }, comparison: addScan }));
    await expect(revision(env, { format: 'mikro-orm', upgrades: "    await op.execute('select 1');" })).rejects.toMatchObject({
      code: 'MIGRATION_FORMAT_NOT_SUPPORTED',
      problem: 'contents',
      adapter: undefined,
    });
    await expect(autogenerateRevision(env, { format: 'mikro-orm', as: 'operations' })).rejects.toMatchObject({
      code: 'MIGRATION_FORMAT_NOT_SUPPORTED',
      problem: 'contents',
      reason: "a MikroORM migration class holds SQL statements (this.addSql), not schema operations (as: 'operations')",
    });
    expect(renderer.requests).toEqual([]);

    for (const [fileName, problem] of [
      ['../Escape.ts', "which is not a file name in versions/"],
      ['_Hidden.ts', 'and its name starts with "_", so the script directory would skip it'],
      ['Notes.md', 'and it is not code, so the script directory would skip it'],
    ] as const) {
      const misnamed = await project(
        adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: async () => ({ fileName, className: 'X', source: '' }) } }),
      );
      await expect(revision(misnamed.env, { format: 'mikro-orm' })).rejects.toMatchObject({
        code: 'MIGRATION_FORMAT_NOT_SUPPORTED',
        problem: 'file-name',
        reason: `the memory adapter named the new file '${fileName}', ${problem}`,
      });
      expect(misnamed.files()).toEqual([]);
    }
    expect(files()).toEqual([]);
  });
});

describe("autogenerateRevision with format: 'mikro-orm'", () => {
  it("hands the renderer the comparison's SQL and notes, whatever autogenerateAs says", async () => {
    const renderer = recordingRenderer();
    const { env } = await project(adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render }, comparison: addScan }));
    const result = await autogenerateRevision(env, { format: 'mikro-orm', message: 'Create scans', revId: 'a1', now: NOW });
    if (!result.written) throw new Error('expected a file');
    expect(renderer.requests).toEqual([
      {
        revision: 'a1',
        downRevisions: [],
        branchLabels: [],
        dependsOn: [],
        message: 'Create scans',
        name: 'create_scans',
        createDate: NOW,
        up: addScan.up,
        down: addScan.down,
        notes: ["Table 'scan' is new."],
      },
    ]);
    expect(result).toMatchObject({ messages: ["Detected added table 'scan'"], notes: ["Table 'scan' is new."], revision: { id: 'a1', message: 'Create scans' } });
    expect(result.revisions).toHaveLength(1);
    expect(readFileSync(result.path, 'utf8')).toContain('create table `scan`');
    // `as: 'sql'` is what a class holds anyway.
    await expect(autogenerateRevision(env, { format: 'mikro-orm', as: 'sql' })).rejects.toMatchObject({ code: 'DB_NOT_UP_TO_DATE' });
  });

  it("writes the framework's blank migration with allowEmpty, and nothing without it", async () => {
    const renderer = recordingRenderer();
    const { env, files } = await project(
      adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render }, comparison: { up: [], down: [], changes: [], warnings: [] } }),
    );
    expect(await autogenerateRevision(env, { format: 'mikro-orm' })).toMatchObject({ written: false, messages: ['No changes in schema detected.'] });
    expect(files()).toEqual([]);
    const empty = await autogenerateRevision(env, { format: 'mikro-orm', allowEmpty: true, now: NOW });
    expect(empty.written).toBe(true);
    expect(renderer.requests).toMatchObject([{ up: [], down: [], notes: [], message: undefined }]);
    expect(files()).toEqual(['Fake1731749400.ts']);
  });

  it("turns the checks around a table rebuild into notes, and says that the safe forms' second revision is not written", async () => {
    const renderer = recordingRenderer();
    const rebuild: SchemaComparison = {
      ...addScan,
      upChecks: [
        { when: 'before', comment: "'scan.label' becomes NOT NULL.", query: 'select count(*) from `scan` where `label` is null having count(*) > 0', failure: 'x' },
        { comment: "Rows of 'scan' must find their parent.", query: 'select * from pragma_foreign_key_check', failure: 'y' },
      ],
      downChecks: [{ comment: 'Back again.', query: 'select 2', failure: 'z' }],
      upOperations: [
        {
          kind: 'alterTable',
          table: { name: 'scan' },
          changes: [{ kind: 'createIndex', index: { name: 'scan_label_index', columns: ['label'], unique: false }, concurrently: false, ifNotExists: false }],
          batch: false,
        },
      ],
      downOperations: [{ kind: 'alterTable', table: { name: 'scan' }, changes: [{ kind: 'dropIndex', name: 'scan_label_index', concurrently: false, ifExists: false }], batch: false }],
    };
    const writesAll: SchemaOperationCompiler = { compile: async () => ({ statements: ['-- compiled'] }) };
    const { env, files } = await project(
      adapterWith({ support: { framework: 'MikroORM', renderMigrationFile: renderer.render }, comparison: rebuild, compiler: writesAll }),
    );
    const result = await autogenerateRevision(env, { format: 'mikro-orm', message: 'Rebuild scans', safeForms: true, now: NOW });
    if (!result.written) throw new Error('expected a file');
    expect(files()).toHaveLength(1);
    const notes = renderer.requests[0]!.notes;
    expect(notes).toEqual(result.notes);
    expect(notes[0]).toBe("Table 'scan' is new.");
    expect(notes[1]).toMatch(/^Written as SQL statements, so without the safe forms/);
    expect(notes.slice(2)).toEqual([
      "'scan.label' becomes NOT NULL. This file cannot check it as a cgmigrate-format migration would; " +
        'before up(), this query must return no rows: select count(*) from `scan` where `label` is null having count(*) > 0',
      "Rows of 'scan' must find their parent. This file cannot check it as a cgmigrate-format migration would; " +
        'after up(), this query must return no rows: select * from pragma_foreign_key_check',
      'Back again. This file cannot check it as a cgmigrate-format migration would; after down(), this query must return no rows: select 2',
    ]);
  });
});

/**
 * docs/workflow.md run as written on an SQLite project: start from an up-to-date database
 * (`git pull` from the project's own remote), write the migration by hand with the `up()` and
 * `down()` the guide shows, or let autogenerate write it from a changed entity, then test the
 * round trip. Also README.md's example migration, the same change, as a file of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { testMigrationSource, versionRows } from '../e2e/cli.js';
import { blocksRunBy, docProject, revisionIdOf, shellCommands, stepOf, testPath, type DocProject } from './doc-shell.js';

const TEST = testPath(import.meta.url);
const DOC = 'docs/workflow.md';
const projects: DocProject[] = [];
afterAll(() => projects.forEach((project) => project.cleanup()));

/** A project whose first migration, `000001`, creates `scans` as MikroORM would for an entity with an integer primary key. */
function scansProject(): DocProject {
  const project = docProject();
  projects.push(project);
  mkdirSync(path.join(project.dir, 'migrations/versions'), { recursive: true });
  writeFileSync(path.join(project.dir, 'migrations/versions/000001_create_scans.ts'), testMigrationSource({
    id: '000001',
    parent: null,
    up: "    await op.execute('CREATE TABLE scans (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT)');",
    down: " await op.execute('DROP TABLE scans'); ",
  }));
  return project;
}

/** The columns of `scans` in the project's database. */
function scanColumns(project: DocProject): string[] {
  const db = new DatabaseSync(path.join(project.dir, 'cloudguard.db'), { readOnly: true });
  try {
    return db.prepare("SELECT name FROM pragma_table_info('scans') ORDER BY cid").all().map((row) => String(row['name']));
  } finally {
    db.close();
  }
}

describe(DOC, () => {
  const [start, write, members, autogenerate, roundTrip] = blocksRunBy(DOC, TEST);
  const project = scansProject();
  let written: string;

  it('1. pulls, upgrades to head and checks, each exiting 0', async () => {
    expect(shellCommands(start!)).toEqual(['git pull', 'cgmigrate upgrade head', 'cgmigrate check']);
    // The project is a clone of a repository that holds its migrations, so `git pull` has a remote.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: project.dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    git('init', '-q', '-b', 'main');
    writeFileSync(path.join(project.dir, '.gitignore'), '.bin/\n.cache/\n*.db\n');
    git('add', '.');
    git('commit', '-q', '-m', 'migrations');
    git('clone', '-q', project.dir, path.join(project.dir, '.origin'));
    git('remote', 'add', 'origin', path.join(project.dir, '.origin'));
    git('fetch', '-q', 'origin');
    git('branch', '-q', '--set-upstream-to', 'origin/main');
    await project.run(start!);
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual(['000001']);
  });

  it('2a. writes the migration with the up() and down() the guide shows', async () => {
    expect(shellCommands(write!)).toEqual(['cgmigrate revision -m "Add scan duration"']);
    const [ran] = await project.run(write!);
    const file = ran!.stdout.trim();
    expect(readFileSync(file, 'utf8')).toContain("downRevision: '000001'");
    expect(members!.body).toMatch(/^async up\(op\) \{\n[\s\S]*\nasync down\(op\) \{\n[\s\S]*\},\n$/);
    const indented = members!.body.replace(/^(?=.)/gm, '  ');
    const filled = readFileSync(file, 'utf8').replace(/ {2}async up\(op\) \{[\s\S]*\n {2}\},\n(?=\} satisfies Migration;)/, indented);
    expect(filled).toContain(indented);
    writeFileSync(file, filled);
    written = revisionIdOf(file);
  });

  it('4. tests the round trip: up, down, up again, check, each exiting 0', async () => {
    expect(shellCommands(roundTrip!)).toEqual(['cgmigrate upgrade head', 'cgmigrate downgrade -1', 'cgmigrate upgrade head', 'cgmigrate check']);
    const [up, down] = await project.run(roundTrip!);
    expect(up!.stderr).toContain(`Running upgrade 000001 -> ${written}, Add scan duration`);
    expect(down!.stderr).toContain(`Running downgrade ${written} -> 000001, Add scan duration`);
    expect(scanColumns(project)).toEqual(['id', 'duration_ms']);
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual([written]);
  });

  it('2b. lets autogenerate write it from the changed entity, printing what the guide shows', async () => {
    const entities = scansProject();
    entities.linkNodeModules();
    const entity = (extra: string) =>
      "import { defineEntity, p } from '@mikro-orm/core';\n\n" +
      `export const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary()${extra} } });\n`;
    writeFileSync(path.join(entities.dir, 'entities.ts'), entity(''));
    writeFileSync(path.join(entities.dir, 'cgmigrate.config.ts'), "import { Scan } from './entities.ts';\n\nexport default { entities: [Scan] };\n");
    expect((await entities.sh('cgmigrate upgrade head')).code).toBe(0);
    // "change the entity, then:"
    writeFileSync(path.join(entities.dir, 'entities.ts'), entity(', durationMs: p.integer().nullable()'));
    const command = 'cgmigrate revision --autogenerate -m "Add scan duration"';
    expect(shellCommands(autogenerate!)).toEqual([command]);
    const [ran] = await entities.run(autogenerate!);
    // One line of stderr for each line the guide shows, `…` standing for any text.
    const lines = ran!.stderr.split('\n');
    for (const shown of stepOf(autogenerate!, command).comments) {
      const pattern = shown.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      expect(lines, shown).toContainEqual(expect.stringMatching(new RegExp(`^${pattern}`)));
    }
    expect(ran!.stderr).not.toContain('Review the migration');
    expect((await entities.sh('cgmigrate upgrade head && cgmigrate check')).code).toBe(0);
    expect(scanColumns(entities)).toEqual(['id', 'duration_ms']);
  });
});

describe("README.md's example migration", () => {
  it('adds scans.duration_ms on top of 000001, and its down() drops it again', async () => {
    const [migration] = blocksRunBy('README.md', TEST);
    expect(migration!.body).toContain("downRevision: '000001'");
    const project = scansProject();
    writeFileSync(path.join(project.dir, 'migrations/versions/3f2a9c1b7d4e_add_scan_duration.ts'), migration!.body);
    const up = await project.sh('cgmigrate upgrade head');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('Running upgrade 000001 -> 3f2a9c1b7d4e, Add scan duration');
    expect(scanColumns(project)).toEqual(['id', 'duration_ms']);
    const down = await project.sh('cgmigrate downgrade -1');
    expect(down.code, down.stderr).toBe(0);
    expect(scanColumns(project)).toEqual(['id']);
  });
});

describe('the migrations of docs/workflow.md and README.md', () => {
  it('typecheck against the built packages', async () => {
    const [, , members] = blocksRunBy(DOC, TEST);
    const [readme] = blocksRunBy('README.md', TEST);
    const wrap = { before: "import type { Migration } from '@cloudguard/migrate-core';\nexport default {\n  revision: 'b2',\n  downRevision: null,\n", after: '} satisfies Migration;\n' };
    expect(await typecheckSnippets([{ block: members!, ...wrap }, { block: readme! }])).toEqual([]);
  }, 60_000);
});

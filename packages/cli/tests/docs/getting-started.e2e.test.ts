/**
 * docs/getting-started.md from "2. Create the migration environment" on, run as written in
 * an empty folder with the built CLI as `cgmigrate` on PATH: its commands, the migration it
 * shows (as the file `revision` wrote), and what it says they print. Sections 1 (install)
 * run in tests/install/global-install.e2e.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { versionRows } from '../e2e/cli.js';
import { blocksRunBy, docProject, revisionIdOf, shellCommands, stepOf, testPath } from './doc-shell.js';

const DOC = 'docs/getting-started.md';
const blocks = blocksRunBy(DOC, testPath(import.meta.url));
const project = docProject();
afterAll(() => project.cleanup());

/** The id the document's examples use, which the test replaces with the one `revision` chose. */
const EXAMPLE_ID = '3f2a9c1b7d4e';

describe(DOC, () => {
  const [init, written, revision, migration, apply, keepGoing] = blocks;
  let id: string;

  it('runs six blocks of the guide', () => {
    expect(blocks.map((block) => block.info)).toEqual(['bash', '', 'bash', 'ts', 'bash', 'bash']);
  });

  it('2. `cgmigrate init` writes the files the guide lists', async () => {
    expect(shellCommands(init!)).toEqual(['cgmigrate init']);
    await project.run(init!);
    // "cgmigrate.config.ts   settings …", "migrations/", "  script.ts.tmpl   …", "  versions/   …"
    const listed = written!.body
      .trimEnd()
      .split('\n')
      .map((line) => /^(\s*)(\S+)/.exec(line)!)
      .map(([, indent, name]) => (indent ? `migrations/${name}` : name!).replace(/\/$/, ''));
    expect(listed).toEqual(['cgmigrate.config.ts', 'migrations', 'migrations/script.ts.tmpl', 'migrations/versions']);
    const found = readdirSync(project.dir, { recursive: true, encoding: 'utf8' }).filter((name) => !name.startsWith('.') && !name.endsWith('.gitkeep'));
    expect(found.sort()).toEqual(listed.sort());
  });

  it('3. `cgmigrate revision` prints the path of the new file, shaped as the guide shows', async () => {
    const step = stepOf(revision!, 'cgmigrate revision -m "Create accounts"');
    expect(shellCommands(revision!)).toEqual([step.command]);
    const [ran] = await project.run(revision!);
    const shown = step.comments[0]!; // migrations/versions/20241116_3f2a9c1b7d4e_create_accounts.ts
    expect(shown).toContain(EXAMPLE_ID);
    const shape = new RegExp(`${shown.replace(/\d{8}/, '\\d{8}').replace(EXAMPLE_ID, '[0-9a-f]{12}').replaceAll('.', '\\.')}\\n$`);
    expect(ran!.stdout).toMatch(shape);
    id = revisionIdOf(ran!.stdout);
  });

  it('3. the migration the guide shows typechecks against the built packages', async () => {
    expect(await typecheckSnippets([{ block: migration! }])).toEqual([]);
  }, 60_000);

  it('3. the migration the guide shows, filled in as that file', () => {
    expect(migration!.body).toContain(`revision: '${EXAMPLE_ID}'`);
    const file = readdirSync(path.join(project.dir, 'migrations/versions')).find((name) => name.endsWith('.ts'))!;
    writeFileSync(path.join(project.dir, 'migrations/versions', file), migration!.body.replace(EXAMPLE_ID, id));
  });

  it('4. `upgrade head` creates the table and prints the step; `current` prints the revision at its head', async () => {
    expect(shellCommands(apply!)).toEqual(['cgmigrate upgrade head', 'cgmigrate current']);
    const [upgrade, current] = await project.run(apply!);
    // The guide shows a terminal, which adds each duration and the total; in a pipe the step line is Alembic's.
    const [running] = stepOf(apply!, 'cgmigrate upgrade head').comments;
    expect(upgrade!.stderr).toContain(running!.replace(EXAMPLE_ID, id).replace(/ \(\d+ ms\)$/, ''));
    expect(current!.stdout).toBe(`${stepOf(apply!, 'cgmigrate current').comments[0]!.replace(EXAMPLE_ID, id)}\n`);
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual([id]);
    const accounts = await project.sh(`sqlite3 cloudguard.db "INSERT INTO accounts (email) VALUES ('a@example.com'); SELECT id, email FROM accounts"`);
    expect(accounts.stdout).toBe('1|a@example.com\n');
  });

  it('5. keeps going: revision, upgrade, history, check (exit 0), downgrade -1', async () => {
    expect(shellCommands(keepGoing!)).toEqual([
      'cgmigrate revision -m "Add scan duration"',
      'cgmigrate upgrade head',
      'cgmigrate history',
      'cgmigrate check',
      'cgmigrate downgrade -1',
    ]);
    const [revised, , history] = await project.run(keepGoing!);
    const next = revisionIdOf(revised!.stdout);
    expect(readFileSync(revised!.stdout.trim(), 'utf8')).toContain(`downRevision: '${id}'`);
    // newest first
    expect(history!.stdout).toBe(`${id} -> ${next} (head), Add scan duration\n<base> -> ${id}, Create accounts\n`);
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual([id]);
  });
});

/**
 * The blocks of docs/cli.md, and the `check --json` example of docs/ci-cd.md, run on an
 * SQLite project with the built CLI as `cgmigrate` on PATH: the revision document against
 * its published schema, the jq examples, the skipped-file warning, the migration class and
 * shell completion.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../tools/docs/fenced-blocks.js';
import { testMigrationSource } from '../e2e/cli.js';
import { blocksRunBy, docProject, shellCommands, testPath, type DocProject } from './doc-shell.js';

const TEST = testPath(import.meta.url);
const projects: DocProject[] = [];
afterAll(() => projects.forEach((project) => project.cleanup()));

/** A project with two migrations, `a1` and its child `b2`, and its database at `a1`: one revision pending. */
async function behindProject(): Promise<DocProject> {
  const project = docProject();
  projects.push(project);
  mkdirSync(path.join(project.dir, 'migrations/versions'), { recursive: true });
  for (const [id, parent] of [['a1', null], ['b2', 'a1']] as const) {
    const up = `    await op.execute('CREATE TABLE t_${id} (id INTEGER)');`;
    writeFileSync(path.join(project.dir, 'migrations/versions', `${id}.ts`), testMigrationSource({ id, parent, up }));
  }
  expect((await project.sh('cgmigrate upgrade a1')).code).toBe(0);
  return project;
}

describe('docs/cli.md', () => {
  const [revisionDocument, jqExamples, skippedWarning, migrationClass, completion] = blocksRunBy('docs/cli.md', TEST);

  it('shows a revision document that revision.schema.json accepts', () => {
    expect(revisionDocument!.info).toBe('json');
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/json/revision.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(JSON.parse(revisionDocument!.body)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('answers the jq examples: not at head, the pending revision, then the upgrade is "ok" and the database at its head', async () => {
    const [atHead, pending, errorCode] = shellCommands(jqExamples!);
    expect([atHead, pending, errorCode]).toEqual([
      "cgmigrate current --json | jq -e '.revisions | length > 0 and all(.isHead)'",
      "cgmigrate check --json | jq -r '.pending[]'",
      'cgmigrate upgrade head --json | jq -r \'.error.code // "ok"\'',
    ]);
    const project = await behindProject();
    const runs = await project.run(jqExamples!, { [atHead!]: 1 });
    expect(runs.map((run) => run.stdout)).toEqual(['false\n', 'b2\n', 'ok\n']);
    expect(await project.sh(atHead!)).toMatchObject({ code: 0, stdout: 'true\n' });
    expect(await project.sh(pending!)).toMatchObject({ code: 0, stdout: '' });
    const failing = await project.sh(errorCode!.replace('upgrade head', 'upgrade nosuchrevision'));
    expect(failing.stdout).toBe('REVISION_NOT_FOUND\n');
  });

  it('shows the warning for a skipped file as a command prints it', async () => {
    const project = await behindProject();
    const shown = skippedWarning!.body.trimEnd();
    const planted = /^Warning: Skipped (\S+):/.exec(shown)![1]!; // /srv/app/migrations/versions/_a1_init.ts
    const file = path.join(project.dir, planted.replace(/^.*?(?=migrations\/)/, ''));
    writeFileSync(file, testMigrationSource({ id: 'c3', parent: 'b2', up: '' }));
    const history = await project.sh('cgmigrate history');
    expect(history.code, history.stderr).toBe(0);
    expect(history.stderr).toBe(`${shown.replace(planted, file)}\n`);
  });

  it("lists the migration class as a revision named after its class, without importing it (MikroORM is not installed)", async () => {
    expect(migrationClass!.info).toBe('ts');
    const project = docProject();
    projects.push(project);
    mkdirSync(path.join(project.dir, 'migrations/versions'), { recursive: true });
    writeFileSync(path.join(project.dir, 'migrations/versions/Migration20241116000001.ts'), migrationClass!.body);
    const history = await project.sh('cgmigrate history');
    expect(history, history.stderr).toMatchObject({ code: 0, stdout: '<base> -> 1f0c3a9b2d4e (head), Migration20241116000001\n' });
    const json = await project.sh('cgmigrate history --json');
    expect((JSON.parse(json.stdout) as { revisions: { id: string; message: string }[] }).revisions).toMatchObject([
      { id: '1f0c3a9b2d4e', message: 'Migration20241116000001' },
    ]);
  });

  it('prints the set-up steps of bash completion', async () => {
    expect(shellCommands(completion!)).toEqual(['cgmigrate autocomplete bash']);
    const project = docProject();
    projects.push(project);
    const [ran] = await project.run(completion!);
    expect(ran!.stdout).toContain('cgmigrate autocomplete script bash');
  });
});

describe("docs/ci-cd.md's check --json example", () => {
  const [example] = blocksRunBy('docs/ci-cd.md', TEST);

  it('prints each problem as CODE: message when the database is behind, and nothing at head', async () => {
    const project = await behindProject();
    const [, decide] = await project.run(example!);
    expect(decide!.stdout).toMatch(/^DB_NOT_UP_TO_DATE: .*b2/);
    expect((await project.sh('cgmigrate upgrade head')).code).toBe(0);
    const atHead = await project.run(example!);
    expect(atHead.map((run) => run.stdout)).toEqual(['', '']);
  });
});

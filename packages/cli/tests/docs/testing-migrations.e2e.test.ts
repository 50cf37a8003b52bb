// @module-tag postgres
/**
 * docs/testing-migrations.md's CI jobs run as written: the GitHub Actions workflow's `run`
 * steps with GitHub's default shell (`bash -eo pipefail`), and the GitLab job's `script`
 * lines, in a project that has cgmigrate as a devDependency, with the job's `DATABASE_URL`
 * pointed at the test server instead of the service container. `npm ci` is the one step not
 * run: the project's `node_modules/.bin/cgmigrate` is already the build. A clean history
 * passes every step; a down() that forgets a column fails the verify step, and two heads the
 * guard, each naming the revision and its file.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { BIN } from '../e2e/cli.js';
import { blocksRunBy, docProject, testPath, type DocProject } from './doc-shell.js';

const DOC = 'docs/testing-migrations.md';
const [githubBlock, gitlabBlock] = blocksRunBy(DOC, testPath(import.meta.url));

interface GithubWorkflow {
  readonly jobs: Record<string, { readonly env?: Record<string, string>; readonly steps: readonly { readonly run?: string; readonly name?: string }[] }>;
}
interface GitlabJob {
  readonly variables?: Record<string, string>;
  readonly script: readonly string[];
}

/** A CI job as the test runs it: its commands in order, and the environment the job sets. */
interface Job {
  readonly commands: readonly string[];
  readonly env: Record<string, string>;
}

function githubJob(): Job {
  const workflow = parse(githubBlock!.body) as GithubWorkflow;
  const job = workflow.jobs['verify-migrations']!;
  return { commands: job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run.trim()])), env: { ...job.env } };
}

function gitlabJob(): Job {
  const job = (parse(gitlabBlock!.body) as Record<string, GitlabJob>)['verify-migrations']!;
  return { commands: job.script, env: { ...job.variables } };
}

/** Revisions of the project: a line, two branches from it and their merge. */
interface Rev {
  readonly id: string;
  readonly parent: string | readonly string[] | null;
  readonly up: string;
  readonly down: string;
}
const HISTORY: readonly Rev[] = [
  { id: 'a1', parent: null, up: 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)', down: 'DROP TABLE accounts' },
  { id: 'b1', parent: 'a1', up: 'ALTER TABLE accounts ADD COLUMN email TEXT', down: 'ALTER TABLE accounts DROP COLUMN email' },
  { id: 'c1', parent: 'a1', up: 'CREATE TABLE scans (id INTEGER PRIMARY KEY)', down: 'DROP TABLE scans' },
  { id: 'm1', parent: ['b1', 'c1'], up: '', down: '' },
];

let project: DocProject;
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cgmigrate_testing_doc');
  project = docProject();
  // Installed as the project's devDependency, which is where `npx cgmigrate` finds it.
  mkdirSync(path.join(project.dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, path.join(project.dir, 'node_modules', '.bin', 'cgmigrate'));
});
afterAll(async () => {
  await db?.drop();
  project?.cleanup();
});

function writeHistory(revs: readonly Rev[]): void {
  const versions = path.join(project.dir, 'migrations', 'versions');
  rmSync(versions, { recursive: true, force: true });
  mkdirSync(versions, { recursive: true });
  const body = (sql: string) => (sql === '' ? '' : `    await op.execute(${JSON.stringify(sql)});\n`);
  for (const rev of revs) {
    writeFileSync(
      path.join(versions, `${rev.id}.ts`),
      'export default {\n' +
        `  revision: '${rev.id}',\n` +
        `  downRevision: ${JSON.stringify(rev.parent)},\n` +
        `  message: 'migration ${rev.id}',\n` +
        `  async up(op) {\n${body(rev.up)}  },\n` +
        `  async down(op) {\n${body(rev.down)}  },\n` +
        '};\n',
    );
  }
}

interface StepRun {
  readonly command: string;
  readonly code: number;
  readonly output: string;
}

/** Runs the job's commands in order, as its runner would, until one fails; `npm ci` is already done. */
async function runJob(job: Job, shell: readonly string[]): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const command of job.commands) {
    if (command === 'npm ci') continue;
    const ran = await new Promise<StepRun>((resolve) => {
      const env = { ...process.env, ...job.env, DATABASE_URL: db.url, PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter), NO_COLOR: '1' };
      execFile(shell[0]!, [...shell.slice(1), command], { cwd: project.dir, env, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ command, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr }),
      );
    });
    runs.push(ran);
    if (ran.code !== 0) break;
  }
  return runs;
}

const JOBS = [
  { name: 'the GitHub Actions workflow', job: githubJob, shell: ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c'] },
  { name: 'the GitLab CI job', job: gitlabJob, shell: ['sh', '-c'] },
] as const;

describe(DOC, { tags: ['postgres'] }, () => {
  it('shows a GitHub Actions workflow and a GitLab job that install, guard the heads and verify', () => {
    expect(githubBlock?.info).toBe('yaml');
    expect(gitlabBlock?.info).toBe('yaml');
    for (const { job } of JOBS) {
      expect(job().commands).toEqual(['npm ci', 'npx cgmigrate heads --check', 'npx cgmigrate verify']);
      expect(job().env['DATABASE_URL']).toMatch(/^postgresql:\/\//);
    }
  });

  for (const { name, job, shell } of JOBS) {
    describe(name, () => {
      it('passes every step on a history with branches and a merge, leaving the database as it was', async () => {
        writeHistory(HISTORY);
        const runs = await runJob(job(), shell);
        expect(runs.map((run) => [run.command, run.code]), runs.map((run) => run.output).join('\n')).toEqual([
          ['npx cgmigrate heads --check', 0],
          ['npx cgmigrate verify', 0],
        ]);
        expect(await queryTestDatabase(db.url, "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([{ n: 0 }]);
      });

      it('fails the verify step on a down() that forgets a column, naming the revision and its file', async () => {
        writeHistory(HISTORY.map((rev) => (rev.id === 'b1' ? { ...rev, down: 'SELECT 1' } : rev)));
        const runs = await runJob(job(), shell);
        const failed = runs.at(-1)!;
        expect(failed.command).toBe('npx cgmigrate verify');
        expect(failed.code).toBe(1);
        expect(failed.output).toContain('VERIFY_DOWN_LEFT_TRACE: ');
        expect(failed.output).toContain('b1 (migrations/versions/b1.ts)');
        expect(failed.output).toMatch(/column accounts\.email/);
        expect(failed.output).not.toContain(new URL(db.url).password || '\u0000');
      });

      it('fails the guard before any database is involved when two branches were never merged', async () => {
        writeHistory(HISTORY.filter((rev) => rev.id !== 'm1'));
        const runs = await runJob(job(), shell);
        expect(runs.map((run) => [run.command, run.code])).toEqual([['npx cgmigrate heads --check', 1]]);
        expect(runs[0]!.output).toContain('UNEXPECTED_HEADS');
        expect(runs[0]!.output).toContain('b1 (');
        expect(runs[0]!.output).toContain('c1 (');
      });
    });
  }
});

/**
 * The pre-deployment script of docs/ci-cd.md, extracted from the document and run as
 * written (only its `cgmigrate` function points at this build): each situation it
 * promises ends with the exit status the document's table gives.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cgmigrate, fillMigration, tempProject, versionRows } from './cli.js';

const DOC = fileURLToPath(new URL('../../../../docs/ci-cd.md', import.meta.url));
const project = tempProject();
const cwd = project.dir;
let migration = '';

function script(): string {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf('#!/usr/bin/env bash');
  const text = doc.slice(start, doc.indexOf('```', start));
  const shim = 'cgmigrate() { npx --no-install cgmigrate "$@"; }';
  expect(text).toContain(shim);
  return text.replace(shim, `cgmigrate() { '${process.execPath}' '${BIN}' "$@"; }`);
}

function predeploy(env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const environment: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...env };
  if (!env['DATABASE_URL']) delete environment['DATABASE_URL'];
  return new Promise((resolve) => {
    execFile('bash', [path.join(cwd, 'pre-deploy.sh')], { cwd, env: environment, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  writeFileSync(path.join(cwd, 'pre-deploy.sh'), script());
  expect((await cgmigrate(['init', '-q'], { cwd })).code).toBe(0);
  migration = (await cgmigrate(['revision', '-q', '-m', 'Create accounts', '--rev-id', 'a1'], { cwd })).stdout.trim();
  fillMigration(migration, 'accounts');
}, 30_000);
afterAll(() => project.cleanup());

describe('docs/ci-cd.md pre-deployment script', () => {
  it('upgrades pending revisions and exits 0, then has nothing to do', async () => {
    const first = await predeploy();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Database after: a1 (head)');
    expect(versionRows(path.join(cwd, 'cloudguard.db'))).toEqual(['a1']);
    const second = await predeploy();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Nothing to migrate.');
  });

  it('stops with 2 on a bad URL, before touching anything', async () => {
    const run = await predeploy({ DATABASE_URL: 'localhost/cloudguard' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Error [INVALID_URL]');
  });

  it('stops with 1 when an applied migration was edited', async () => {
    appendFileSync(migration, '// edited after the deploy\n');
    const run = await predeploy();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('check still reports the problems above');
    expect(run.stdout).toMatch(/Migration a1 .* was changed after it was applied/);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocksRunBy, testPath } from '../docs/doc-shell.js';
import { BIN, cgmigrate, fails, MODES, tempProject, type RunResult } from './cli.js';

const TEST = testPath(import.meta.url);
const [hookBlock, configBlock] = blocksRunBy('docs/teams.md', TEST);

/**
 * The pre-merge guard (issue 20): `cgmigrate heads --check` through the built CLI, the
 * config's `expectedHeads`, and the git hook of docs/teams.md in a real repository.
 */
describe('heads --check', () => {
  const project = tempProject();
  const cwd = project.dir;
  afterAll(() => project.cleanup());

  async function ok(args: string[]): Promise<RunResult> {
    const run = await cgmigrate(args, { cwd });
    expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run;
  }

  beforeAll(async () => {
    await ok(['init']);
    await ok(['revision', '-m', 'accounts', '--rev-id', 'aaa111']);
  });

  it('passes with one head, printing what heads prints', async () => {
    expect((await ok(['heads', '--check'])).stdout).toBe((await ok(['heads'])).stdout);
    const json = (await ok(['heads', '--check', '--json'])).json<{ check: unknown }>();
    expect(json.check).toMatchObject({ ok: true, heads: [{ id: 'aaa111', branchLabels: [] }], extra: [], missing: [], ambiguous: [] });
  });

  it.each(MODES)('fails with exit status 1 on two heads, naming them, their files and the merge (%s)', async (mode) => {
    const b1 = (await ok(['revision', '-m', 'carts', '--rev-id', 'bbb111'])).stdout.trim();
    const b2 = (await ok(['revision', '-m', 'invoices', '--head', 'aaa111', '--splice', '--rev-id', 'bbb222'])).stdout.trim();
    try {
      const { message, hint, run } = await fails(mode, ['heads', '--check'], cwd, { code: 'UNEXPECTED_HEADS', exit: 1 });
      expect(message).toBe(`The migration scripts have 2 heads where one is expected: bbb111 (${b1}), bbb222 (${b2})`);
      expect(hint).toContain('`cgmigrate merge heads -m "Merge heads"`');
      expect(hint).toContain("expectedHeads: ['bbb111', 'bbb222']");
      if (mode === 'json') {
        expect(run.json<{ error: Record<string, unknown> }>().error).toMatchObject({
          heads: ['bbb111', 'bbb222'],
          headPaths: [b1, b2],
          extraHeads: ['bbb111', 'bbb222'],
          missingHeads: [],
          ambiguousHeads: [],
        });
      }
    } finally {
      execFileSync('rm', [b1, b2]);
    }
  });

  it('passes with exactly the heads the config declares in expectedHeads, and names what is extra or missing', async () => {
    // The configuration of docs/teams.md, on two labelled lines.
    writeFileSync(path.join(cwd, 'cgmigrate.config.ts'), configBlock!.body);
    await ok(['revision', '-m', 'core', '--rev-id', 'ccc111', '--branch-label', 'core']);
    await ok(['revision', '-m', 'reporting', '--head', 'base', '--rev-id', 'rrr111', '--branch-label', 'reporting']);
    expect((await ok(['heads', '--check'])).stdout).toBe('ccc111 (core) (head)\nrrr111 (reporting) (head)\n');

    await ok(['revision', '-m', 'stray', '--head', 'aaa111', '--splice', '--rev-id', 'sss111']);
    const extra = await fails('human', ['heads', '--check'], cwd, { code: 'UNEXPECTED_HEADS', exit: 1 });
    expect(extra.message).toMatch(/^The heads of the migration scripts are not the expected ones \(expectedHeads: core, reporting\); sss111 \(.*sss111_stray\.ts\) is a head that no entry names$/);
    expect(extra.hint).toContain('or add it to expectedHeads');

    writeFileSync(path.join(cwd, 'cgmigrate.config.ts'), configBlock!.body.replace("'reporting'", "'rrr111', 'sss', 'gone'"));
    const json = await fails('json', ['heads', '--check'], cwd, { code: 'UNEXPECTED_HEADS', exit: 1 });
    expect(json.run.json<{ error: Record<string, unknown> }>().error).toMatchObject({
      expectedHeads: ['core', 'rrr111', 'sss', 'gone'],
      extraHeads: [],
      missingHeads: ['gone'],
      ambiguousHeads: [],
    });
    expect(json.hint).toBe("Change or remove 'gone' in expectedHeads (`cgmigrate heads` lists the heads).");

    writeFileSync(path.join(cwd, 'cgmigrate.config.ts'), configBlock!.body.replace("'reporting'", "'reporting', 'reporting'"));
    const invalid = await fails('human', ['heads', '--check'], cwd, { code: 'CONFIG_INVALID', exit: 2 });
    expect(invalid.message).toContain("'expectedHeads' must be a non-empty array of branch labels or revision ids, each once");
  });
});

describe('the pre-commit hook of docs/teams.md', () => {
  const project = tempProject();
  const repo = project.dir;
  afterAll(() => project.cleanup());

  // Without the test runner's FORCE_COLOR (set under `nx`), as in a terminal-less hook.
  const { FORCE_COLOR: _forced, ...inherited } = process.env;
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...inherited, NO_COLOR: '1', PATH: `${path.join(repo, '.bin')}:${process.env['PATH']}` } });
  async function ok(args: string[]): Promise<void> {
    const run = await cgmigrate(args, { cwd: repo });
    expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  }

  beforeAll(async () => {
    // `cgmigrate` on the hook's PATH: the built bin with this Node.
    mkdirSync(path.join(repo, '.bin'));
    writeFileSync(path.join(repo, '.bin', 'cgmigrate'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(path.join(repo, '.bin', 'cgmigrate'), 0o755);
    expect(git('init', '-q', '-b', 'main').status).toBe(0);
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'Dev');
    writeFileSync(path.join(repo, '.gitignore'), '.bin/\n');
    // As the page says: the pre-commit hook, and the same script for the commits `git merge` makes.
    for (const hook of ['pre-commit', 'pre-merge-commit']) {
      writeFileSync(path.join(repo, '.git', 'hooks', hook), hookBlock!.body);
      chmodSync(path.join(repo, '.git', 'hooks', hook), 0o755);
    }
    await ok(['init']);
    await ok(['revision', '-m', 'accounts', '--rev-id', 'aaa111']);
    git('add', '-A');
    expect(git('commit', '-qm', 'accounts').status).toBe(0);
  });

  it('lets one head through, refuses the merge of a second, and passes again after cgmigrate merge heads', async () => {
    git('checkout', '-qb', 'carts');
    await ok(['revision', '-m', 'carts', '--rev-id', 'bbb111']);
    git('add', '-A');
    expect(git('commit', '-qm', 'carts').status).toBe(0);
    git('checkout', '-q', 'main');
    await ok(['revision', '-m', 'invoices', '--rev-id', 'bbb222']);
    git('add', '-A');
    expect(git('commit', '-qm', 'invoices').status).toBe(0);

    const merge = git('merge', '-q', '--no-edit', 'carts');
    expect(merge.status).not.toBe(0);
    expect(merge.stderr).toContain('Error [UNEXPECTED_HEADS]: The migration scripts have 2 heads where one is expected');
    expect(merge.stderr).toContain('cgmigrate merge heads -m');

    await ok(['merge', 'heads', '-m', 'merge carts and invoices', '--rev-id', 'mmm111']);
    git('add', '-A');
    const commit = git('commit', '-q', '--no-edit');
    expect(commit.status, commit.stderr).toBe(0);
    expect(readFileSync(path.join(repo, '.git', 'HEAD'), 'utf8')).toContain('main');
    expect(git('log', '--oneline', '-1', '--format=%P').stdout.trim().split(' ')).toHaveLength(2);
  });
});

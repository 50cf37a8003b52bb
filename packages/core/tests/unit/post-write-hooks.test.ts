import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { createEnvironment } from '../../src/commands/environment.js';
import { merge } from '../../src/commands/merge.js';
import { revision } from '../../src/commands/revision.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MigrateConfig } from '../../src/config/define-config.js';
import { hookArguments, runPostWriteHooks, type PostWriteHook } from '../../src/hooks/post-write-hooks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose `tools/` holds small Node scripts used as hooks. */
function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-hooks-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  mkdirSync(path.join(dir, 'tools'));
  // Rewrites the file: a stand-in for a formatter.
  writeFileSync(
    path.join(dir, 'tools', 'stamp.mjs'),
    "import { readFileSync, writeFileSync } from 'node:fs';\n" +
      "const [file, label] = process.argv.slice(2);\n" +
      "writeFileSync(file, `// formatted by ${label}\\n` + readFileSync(file, 'utf8'));\n",
  );
  writeFileSync(path.join(dir, 'tools', 'fail.mjs'), "console.error('line 3: unexpected token'); process.exit(2);\n");
  return dir;
}

async function env(dir: string, config: MigrateConfig) {
  return createEnvironment(await loadConfig({ cwd: dir, env: {}, overrides: { url: 'memory://', ...config } }));
}

const node = process.execPath;

describe('post-write hooks', () => {
  it('runs each hook in order on the new file, with {file} replaced, and reports them', async () => {
    const dir = project();
    const calls: string[] = [];
    const hooks: PostWriteHook[] = [
      { name: 'stamp', command: node, args: ['tools/stamp.mjs', '{file}', 'first'] },
      { command: node, args: ['tools/stamp.mjs'] }, // the path is appended: argv = [file]
      async function recordIt(file) {
        calls.push(readFileSync(file, 'utf8').split('\n')[0]!);
      },
    ];
    const result = await revision(await env(dir, { postWriteHooks: hooks }), { message: 'Add scans' });
    expect(result.hooks.map((run) => run.hook)).toEqual(['stamp', node, 'recordIt (hook 3)']);
    const source = readFileSync(result.path, 'utf8');
    expect(source.startsWith('// formatted by undefined\n// formatted by first\n')).toBe(true);
    expect(calls).toEqual(['// formatted by undefined']);
  });

  it('runs on merge files too', async () => {
    const dir = project();
    const hooks: PostWriteHook[] = [{ name: 'stamp', command: node, args: ['tools/stamp.mjs', '{file}', 'merge'] }];
    const e = await env(dir, {});
    await revision(e, { message: 'a', revId: 'aaa', head: 'base' });
    await revision(e, { message: 'b', revId: 'bbb', head: 'base' });
    const merged = await merge(await env(dir, { postWriteHooks: hooks }), { revisions: ['heads'], message: 'Merge' });
    expect(merged.hooks).toHaveLength(1);
    expect(readFileSync(merged.path, 'utf8')).toMatch(/^\/\/ formatted by merge\n/);
  });

  it('stops at the first failing hook, keeps the file, and says which hook failed and why', async () => {
    const dir = project();
    let ranAfter = false;
    const hooks: PostWriteHook[] = [
      { name: 'stamp', command: node, args: ['tools/stamp.mjs', '{file}', 'ok'] },
      { name: 'lint', command: node, args: ['tools/fail.mjs', '{file}'] },
      () => {
        ranAfter = true;
      },
    ];
    const error = await revision(await env(dir, { postWriteHooks: hooks }), { message: 'Add scans' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'POST_WRITE_HOOK_FAILED', hook: 'lint', succeeded: ['stamp'] });
    const file = (error as { path: string }).path;
    expect((error as Error).message).toBe(
      `Post-write hook 'lint' failed on ${file}: '${node} tools/fail.mjs ${file}' exited with status 2:\nline 3: unexpected token`,
    );
    expect(ranAfter).toBe(false);
    expect(readdirSync(path.join(dir, 'migrations', 'versions'))).toEqual([path.basename(file)]);
    expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ formatted by ok\n/);
  });

  it('reports a command that does not exist, and a function that throws', async () => {
    const dir = project();
    const file = path.join(dir, 'x.ts');
    writeFileSync(file, '');
    await expect(runPostWriteHooks([{ command: 'cgmigrate-no-such-formatter' }], file, dir)).rejects.toThrow(
      `Post-write hook 'cgmigrate-no-such-formatter' failed on ${file}: 'cgmigrate-no-such-formatter' was not found (in ${dir}, or on PATH)`,
    );
    await expect(
      runPostWriteHooks(
        [
          () => {
            throw new Error('no formatter config');
          },
        ],
        file,
        dir,
      ),
    ).rejects.toThrow(`Post-write hook 'hook 1' failed on ${file}: no formatter config`);
  });

  it('stops a hook that runs past its timeout', async () => {
    const dir = project();
    const file = path.join(dir, 'x.ts');
    writeFileSync(file, '');
    await expect(runPostWriteHooks([{ command: node, args: ['-e', 'setTimeout(() => {}, 10000)'], timeoutMs: 200 }], file, dir)).rejects.toThrow(
      'was stopped after 200 ms',
    );
  });

  it('appends the path only when no argument holds {file}', () => {
    expect(hookArguments({ command: 'npx', args: ['prettier', '--write', '{file}'] }, '/m/a.ts')).toEqual(['prettier', '--write', '/m/a.ts']);
    expect(hookArguments({ command: 'black' }, '/m/a.ts')).toEqual(['/m/a.ts']);
    expect(hookArguments({ command: 'x', args: ['--out={file}.bak', '{file}'] }, '/m/a.ts')).toEqual(['--out=/m/a.ts.bak', '/m/a.ts']);
  });

  it('refuses invalid hook config with a message naming the entry', async () => {
    const dir = project();
    const cases: [unknown, string][] = [
      ['prettier', "'postWriteHooks' must be an array of hooks: { command, args? } objects or functions"],
      [[{ args: ['x'] }], "'postWriteHooks' must be an array of hooks (entry 0: an object whose `command` is a non-empty string)"],
      [[() => {}, { command: 'x', args: 'y' }], "'postWriteHooks' must be an array of hooks (entry 1: an object whose `args` is an array of strings)"],
      [[{ command: 'x', shell: true }], "(entry 0: an object with the keys command, args, name, cwd, timeoutMs (not 'shell'))"],
      [[{ command: 'x', timeoutMs: -1 }], '(entry 0: an object whose `timeoutMs` is a positive whole number)'],
    ];
    for (const [postWriteHooks, message] of cases) {
      const error = await env(dir, { postWriteHooks: postWriteHooks as PostWriteHook[] }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toContain(message);
    }
  });
});

/**
 * What the document tests share: a project folder where the commands of a document run
 * in `sh` as a user types them, with the built CLI as the `cgmigrate` on PATH.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { REPO_ROOT, shellSteps, type FencedBlock, type ShellStep } from '../../../../tools/docs/fenced-blocks.js';
import { BIN, tempProject } from '../e2e/cli.js';

export { blocksRunBy, shellCommands, shellSteps } from '../../../../tools/docs/fenced-blocks.js';
export type { FencedBlock, ShellStep } from '../../../../tools/docs/fenced-blocks.js';

/** The repository's node_modules, linked into projects whose files import cgmigrate's packages. */
export const REPO_NODE_MODULES = path.join(REPO_ROOT, 'node_modules');

/** The path of a test file relative to the repository's root, as its `run-by` markers name it. */
export function testPath(importMetaUrl: string): string {
  return path.relative(REPO_ROOT, fileURLToPath(importMetaUrl)).split(path.sep).join('/');
}

/** What one shell command printed and how it exited. */
export interface ShellRun {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary project folder with a `cgmigrate` on PATH, in which commands run as typed. */
export interface DocProject {
  readonly dir: string;
  /** Runs one command line with `sh -c` in the project (or `cwd` below it). */
  sh(command: string, options?: { readonly cwd?: string; readonly env?: Record<string, string> }): Promise<ShellRun>;
  /** Runs every command of a shell block in order; each must exit 0 unless `allowed` says otherwise. */
  run(block: FencedBlock, allowed?: Readonly<Record<string, number>>): Promise<ShellRun[]>;
  /** Links the repository's node_modules into the project, so that its files can import cgmigrate's packages. */
  linkNodeModules(): void;
  cleanup(): void;
}

/**
 * A fresh project folder. PATH holds a `cgmigrate` that runs the built CLI with this Node,
 * this Node, and the system's tools; HOME and oclif's folders are the project's own, and
 * nothing of the test's environment (DATABASE_URL, colours) leaks in.
 */
export function docProject(): DocProject {
  const { dir: created, cleanup } = tempProject();
  const dir = realpathSync(created);
  const bin = path.join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'cgmigrate'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(path.join(bin, 'cgmigrate'), 0o755);
  const baseEnv: Record<string, string> = {
    PATH: [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: dir,
    NO_COLOR: '1',
    XDG_CACHE_HOME: path.join(dir, '.cache'),
    XDG_DATA_HOME: path.join(dir, '.local/share'),
    XDG_CONFIG_HOME: path.join(dir, '.config'),
    LANG: 'C.UTF-8',
  };
  const sh: DocProject['sh'] = (command, options = {}) =>
    new Promise((resolve) => {
      const cwd = options.cwd ?? dir;
      execFile('sh', ['-c', command], { cwd, env: { ...baseEnv, ...options.env }, encoding: 'utf8' }, (error, stdout, stderr) =>
        resolve({ command, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  return {
    dir,
    sh,
    async run(block, allowed = {}) {
      const runs: ShellRun[] = [];
      for (const { command } of shellSteps(block)) {
        const ran = await sh(command);
        expect(ran.code, `${block.file}:${block.line} \`${command}\`\n${ran.stdout}\n${ran.stderr}`).toBe(allowed[command] ?? 0);
        runs.push(ran);
      }
      return runs;
    },
    linkNodeModules: () => symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir'),
    cleanup,
  };
}

/** The step of a block whose command is `command`; fails the test when the document has no such command. */
export function stepOf(block: FencedBlock, command: string): ShellStep {
  const step = shellSteps(block).find((candidate) => candidate.command === command);
  expect(step, `${block.file}:${block.line} has no \`${command}\``).toBeDefined();
  return step!;
}

/** The id of a migration file a command printed: `…/20241116_3f2a9c1b7d4e_create_accounts.ts` gives `3f2a9c1b7d4e`. */
export function revisionIdOf(file: string): string {
  const id = /_([0-9a-f]{12})_[^/]*\.ts$/.exec(file.trim())?.[1];
  expect(id, file).toBeDefined();
  return id!;
}

/**
 * knex's CLI with better-sqlite3, the fastest Node peer. It is taken from the folder
 * named by `CGMIGRATE_BENCH_PEERS` (whose `node_modules` holds knex and
 * better-sqlite3), else from the repository's own `node_modules`.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../process.ts';
import type { WorkloadPaths } from '../workload.ts';
import { lines, type MeasuredCommand, type ToolRunner } from './tool-runner.ts';

/** Where knex is installed. */
export interface KnexInstall {
  readonly nodeModules: string;
  readonly cli: string;
  readonly version: string;
}

const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** The knex install to use, or why there is none. */
export function findKnex(env: NodeJS.ProcessEnv = process.env): KnexInstall | { readonly missing: string } {
  const peers = env['CGMIGRATE_BENCH_PEERS'];
  const nodeModules = peers ? path.join(path.resolve(peers), 'node_modules') : REPO_NODE_MODULES;
  const manifest = path.join(nodeModules, 'knex', 'package.json');
  if (!existsSync(manifest) || !existsSync(path.join(nodeModules, 'better-sqlite3', 'package.json'))) {
    return { missing: `knex and better-sqlite3 are not in ${nodeModules} (install them there or set CGMIGRATE_BENCH_PEERS)` };
  }
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { nodeModules, cli: path.join(nodeModules, 'knex', 'bin', 'cli.js'), version };
}

/** knex's part, using `install`. */
export function knexRunner(install: KnexInstall): ToolRunner {
  const argv = (paths: WorkloadPaths, verb: string): MeasuredCommand['argv'] => [
    process.execPath,
    install.cli,
    '--knexfile',
    paths.knex.knexfile,
    verb,
  ];
  return {
    name: 'knex',
    setup(paths) {
      // The knex CLI insists on a knex in the project's own node_modules.
      const link = path.join(paths.knex.dir, 'node_modules');
      if (!existsSync(link)) symlinkSync(install.nodeModules, link, 'dir');
      return run({ argv: argv(paths, 'migrate:latest'), cwd: paths.knex.dir }).ms;
    },
    commands(paths, graph) {
      // knex's "version" is the numeric prefix of the last migration file's name.
      const last = String(graph.revisions.length - 1).padStart(5, '0');
      const completed = `Found ${graph.revisions.length} Completed Migration file/files.`;
      return [
        {
          name: 'knex migrate:currentVersion',
          argv: argv(paths, 'migrate:currentVersion'),
          expects: { what: `"Current Version: ${last}"`, test: (stdout) => stdout.includes(`Current Version: ${last}`) },
        },
        {
          name: 'knex migrate:list',
          argv: argv(paths, 'migrate:list'),
          expects: { what: `"${completed}"`, test: (stdout) => lines(stdout).some((line) => line.includes(completed)) },
        },
      ];
    },
  };
}

/** The built cgmigrate CLI (`packages/cli/bin/run.js`), run by the same Node as the bench. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../process.ts';
import { fullHistory, singleHead, type MeasuredCommand, type ToolRunner } from './tool-runner.ts';

const CLI_DIR = new URL('../../../../packages/cli/', import.meta.url);

/** The built executable; `npx nx run-many -t build` makes it current. */
export const CGMIGRATE_BIN = fileURLToPath(new URL('bin/run.js', CLI_DIR));

/** Fails with the build command when the CLI has not been built. */
export function assertCgmigrateBuilt(): void {
  for (const built of ['oclif.manifest.json', 'dist/commands/current.js']) {
    if (!existsSync(fileURLToPath(new URL(built, CLI_DIR)))) {
      throw new Error(`The CLI is not built (no ${built}): run \`npx nx run-many -t build\` first.`);
    }
  }
}

function argv(...args: string[]): MeasuredCommand['argv'] {
  return [process.execPath, CGMIGRATE_BIN, ...args];
}

export const cgmigrate: ToolRunner = {
  name: 'cgmigrate',
  setup: (paths) => run({ argv: argv('upgrade', 'head', '--quiet'), cwd: paths.cgmigrate.dir }).ms,
  commands: (_paths, graph) => [
    {
      name: 'cgmigrate --version',
      argv: argv('--version'),
      expects: { what: 'its version', test: (stdout) => stdout.startsWith('@cloudguard/migrate-cli/') },
    },
    {
      name: 'cgmigrate --help',
      argv: argv('--help'),
      expects: { what: 'the command list', test: (stdout) => stdout.includes('COMMANDS') && stdout.includes('history') },
    },
    { name: 'cgmigrate current', argv: argv('current'), expects: singleHead(graph.head) },
    { name: 'cgmigrate heads', argv: argv('heads'), expects: singleHead(graph.head) },
    { name: 'cgmigrate history', argv: argv('history'), expects: fullHistory(graph) },
    {
      // The first run after a checkout, before the header index exists: every file is read and parsed.
      name: 'cgmigrate history, no header index',
      argv: ['/usr/bin/env', 'CGMIGRATE_NO_CACHE=1', ...argv('history')],
      expects: fullHistory(graph),
    },
  ],
};

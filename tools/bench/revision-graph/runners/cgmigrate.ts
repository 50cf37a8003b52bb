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

/**
 * cgmigrate's runner for the CLI at `bin`, its rows named `<label> current` and so on:
 * the build of this checkout as `cgmigrate`, or with `--baseline` another checkout's build
 * timed in the same run.
 */
export function cgmigrateRunner(bin: string, label: string): ToolRunner {
  const argv = (...args: string[]): MeasuredCommand['argv'] => [process.execPath, bin, ...args];
  return {
    name: label,
    setup: (paths) => run({ argv: argv('upgrade', 'head', '--quiet'), cwd: paths.cgmigrate.dir }).ms,
    commands: (_paths, graph) => [
      {
        name: `${label} --version`,
        argv: argv('--version'),
        expects: { what: 'its version', test: (stdout) => stdout.startsWith('@cloudguard/migrate-cli/') },
      },
      {
        name: `${label} --help`,
        argv: argv('--help'),
        expects: { what: 'the command list', test: (stdout) => stdout.includes('COMMANDS') && stdout.includes('history') },
      },
      { name: `${label} current`, argv: argv('current'), expects: singleHead(graph.head) },
      { name: `${label} heads`, argv: argv('heads'), expects: singleHead(graph.head) },
      { name: `${label} history`, argv: argv('history'), expects: fullHistory(graph) },
      {
        // The first run after a checkout, before the header index exists: every file is read and parsed.
        name: `${label} history, no header index`,
        argv: ['/usr/bin/env', 'CGMIGRATE_NO_CACHE=1', ...argv('history')],
        expects: fullHistory(graph),
      },
    ],
  };
}

export const cgmigrate: ToolRunner = cgmigrateRunner(CGMIGRATE_BIN, 'cgmigrate');

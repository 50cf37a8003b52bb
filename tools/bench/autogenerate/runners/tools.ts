/**
 * Per tool: the setup that brings its database to head (its own autogenerate, then its
 * own upgrade), and the commands to time. Every command runs in its project's folder
 * (`env -C`, which execs: no shell in between), as a developer runs it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PYTHON } from '../../../alembic/alembic-project.ts';
import type { Scenario } from '../options.ts';
import type { ToolProject } from '../workload.ts';

export const CGMIGRATE_BIN = fileURLToPath(new URL('../../../../packages/cli/bin/run.js', import.meta.url));
/** MikroORM's CLI as `node_modules/.bin/mikro-orm` runs it, with the bench's Node. */
export const MIKRO_ORM_BIN = fileURLToPath(new URL('../../../../node_modules/@mikro-orm/cli/cli.js', import.meta.url));

/** One timed command and what its (single, checked) run must print. */
export interface TimedCommand {
  readonly name: string;
  readonly tool: ToolProject['tool'] | 'node';
  readonly argv: readonly [string, ...string[]];
  /** Deletes what a run wrote, before the next run (hyperfine's `--prepare`). */
  readonly prepare: readonly [string, ...string[]];
  /** The exit status a correct run has. */
  readonly status: number;
  readonly expects: { readonly what: string; test(output: string): boolean };
}

function inProject(project: ToolProject, ...argv: [string, ...string[]]): TimedCommand['argv'] {
  return ['env', '-C', project.dir, ...argv];
}

function cleanup(project: ToolProject, stamp: string): TimedCommand['prepare'] {
  return ['find', project.versionsDir, '-type', 'f', '-newer', stamp, '-delete'];
}

/** The setup commands that bring `project`'s database to head (run in order, each must succeed). */
export function setupCommands(project: ToolProject): (readonly [string, ...string[]])[] {
  switch (project.tool) {
    case 'cgmigrate':
      return [
        inProject(project, process.execPath, CGMIGRATE_BIN, 'revision', '--autogenerate', '-m', 'initial', '--quiet'),
        inProject(project, process.execPath, CGMIGRATE_BIN, 'upgrade', 'head', '--quiet'),
      ];
    case 'alembic':
      return [
        inProject(project, PYTHON, '-m', 'alembic', 'revision', '--autogenerate', '-m', 'initial'),
        inProject(project, PYTHON, '-m', 'alembic', 'upgrade', 'head'),
      ];
    case 'mikro-orm':
      return [inProject(project, process.execPath, MIKRO_ORM_BIN, 'migration:create'), inProject(project, process.execPath, MIKRO_ORM_BIN, 'migration:up')];
  }
}

/** The commands timed for one tool's project, in one scenario. */
export function timedCommands(project: ToolProject, scenario: Scenario, tables: number, stamp: string): TimedCommand[] {
  const prepare = cleanup(project, stamp);
  const empty = scenario === 'empty';
  switch (project.tool) {
    case 'cgmigrate':
      return [
        {
          name: 'cgmigrate revision --autogenerate',
          tool: 'cgmigrate',
          argv: inProject(project, process.execPath, CGMIGRATE_BIN, 'revision', '--autogenerate', '-m', 'bench'),
          prepare,
          status: 0,
          expects: empty
            ? { what: `${tables} added tables and a new file`, test: (out) => count(out, "Detected added table '") === tables && /Generating .* \.\.\. done/.test(out) }
            : { what: 'No changes in schema detected.', test: (out) => out.includes('No changes in schema detected.') && !out.includes('Generating') },
        },
        {
          name: 'cgmigrate check',
          tool: 'cgmigrate',
          argv: inProject(project, process.execPath, CGMIGRATE_BIN, 'check'),
          prepare,
          status: empty ? 1 : 0,
          expects: empty
            ? { what: `${tables} added tables`, test: (out) => count(out, "Detected added table '") === tables }
            : { what: 'no problem', test: (out) => out.includes('its schema matches the entities') },
        },
      ];
    case 'alembic':
      return [
        {
          name: 'alembic revision --autogenerate',
          tool: 'alembic',
          argv: inProject(project, PYTHON, '-m', 'alembic', 'revision', '--autogenerate', '-m', 'bench'),
          prepare,
          status: 0,
          expects: empty
            ? { what: `${tables} added tables and a new file`, test: (out) => count(out, "Detected added table '") === tables && out.includes('Generating') }
            : // Alembic 1.8 writes a file even when nothing changed.
              // ("Detected sequence named …" is PostgreSQL information, not a change.)
              { what: 'no detected change', test: (out) => !/Detected (added|removed|NULL|type change|server default)/.test(out) && out.includes('Generating') },
        },
      ];
    case 'mikro-orm':
      return [
        {
          name: 'mikro-orm migration:create',
          tool: 'mikro-orm',
          argv: inProject(project, process.execPath, MIKRO_ORM_BIN, 'migration:create'),
          prepare,
          status: 0,
          expects: empty
            ? { what: 'a new migration', test: (out) => out.includes('successfully created') }
            : { what: 'no changes', test: (out) => /No changes required/i.test(out) },
        },
      ];
  }
}

/** Node's own start-up, for scale. */
export function nodeFloor(stamp: string): TimedCommand {
  return {
    name: 'node -e 0',
    tool: 'node',
    argv: [process.execPath, '-e', '0'],
    prepare: ['find', path.dirname(stamp), '-maxdepth', '0'],
    status: 0,
    expects: { what: 'nothing', test: () => true },
  };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

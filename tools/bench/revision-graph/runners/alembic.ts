/** Debian's Alembic (`python3 -m alembic`) on the twin project. */
import { PYTHON } from '../../../alembic/alembic-project.ts';
import { run } from '../process.ts';
import type { WorkloadPaths } from '../workload.ts';
import { fullHistory, singleHead, type MeasuredCommand, type ToolRunner } from './tool-runner.ts';

function argv(paths: WorkloadPaths, ...args: string[]): MeasuredCommand['argv'] {
  return [PYTHON, '-m', 'alembic', '-c', paths.alembic.ini, ...args];
}

/** The Alembic version, e.g. `1.8.1`. */
export function alembicVersion(): string {
  return run({ argv: [PYTHON, '-m', 'alembic', '--version'], cwd: process.cwd() }).stdout.trim().replace(/^alembic\s+/, '');
}

export const alembic: ToolRunner = {
  name: 'alembic',
  setup: (paths) => run({ argv: argv(paths, 'upgrade', 'head'), cwd: paths.alembic.dir }).ms,
  commands: (paths, graph) => [
    { name: 'alembic current', argv: argv(paths, 'current'), expects: singleHead(graph.head) },
    { name: 'alembic heads', argv: argv(paths, 'heads'), expects: singleHead(graph.head) },
    { name: 'alembic history', argv: argv(paths, 'history'), expects: fullHistory(graph) },
  ],
};

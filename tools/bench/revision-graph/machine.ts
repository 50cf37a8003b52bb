/** Facts about the machine and the tools, printed with every result. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { PYTHON } from '../../alembic/alembic-project.ts';
import type { MachineFacts } from './results.ts';

/** Collects the facts; `alembic`, `knex` and `hyperfine` are the versions the runners found. */
export function machineFacts(versions: Pick<MachineFacts, 'alembic' | 'knex' | 'hyperfine'>): MachineFacts {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python: output(PYTHON, ['-c', 'import platform; print(platform.python_version())']) ?? 'unknown',
    ...versions,
    commit: commit(),
  };
}

function commit(): string {
  const head = output('git', ['rev-parse', '--short', 'HEAD']);
  if (head === undefined) return 'an unknown commit';
  const dirty = (output('git', ['status', '--porcelain', '--untracked-files=no', '--', 'packages']) ?? '').length > 0;
  return dirty ? `${head} plus uncommitted changes in packages/` : head;
}

function output(program: string, args: readonly string[]): string | undefined {
  const result = spawnSync(program, args, { encoding: 'utf8', cwd: import.meta.dirname });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Facts about the machine and the tools, printed with every result of the upgrade and fleet benches. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { PYTHON } from '../../alembic/alembic-project.ts';
import { hyperfineVersion } from './hyperfine.ts';
import type { MachineFacts } from './results.ts';

function output(program: string, args: readonly string[]): string | undefined {
  const result = spawnSync(program, args, { encoding: 'utf8', cwd: import.meta.dirname });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Collects the facts. `versions` are the peers' versions the runners found; the
 * `sqlite3` and `psql` shells' and hyperfine's are added after them (which fails when
 * hyperfine is missing).
 */
export function machineFacts(versions: Readonly<Record<string, string>>): MachineFacts {
  const head = output('git', ['rev-parse', '--short', 'HEAD']) ?? 'an unknown commit';
  const dirty = (output('git', ['status', '--porcelain', '--untracked-files=no', '--', 'packages']) ?? '').length > 0;
  const psql = output('psql', ['--version'])?.replace(/^psql \(PostgreSQL\) /, '') ?? 'unknown';
  const sqlite = output('sqlite3', ['--version'])?.split(' ')[0] ?? 'unknown';
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python: output(PYTHON, ['-c', 'import platform; print(platform.python_version())']) ?? 'unknown',
    versions: { ...versions, 'sqlite3 shell': sqlite, psql, hyperfine: hyperfineVersion() },
    commit: dirty ? `${head} plus uncommitted changes in packages/` : head,
  };
}

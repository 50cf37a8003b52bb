import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  runAlembicSession,
  writeAlembicProject,
  writeCgmigrateProject,
  type AlembicCommandResult,
  type TwinRevision,
} from '../../../../tools/alembic/alembic-project.js';
import { cgmigrate, setVersionRows, versionRows } from './cli.js';

/** What one command did in one tool, in the terms both tools share. */
export interface ToolRun {
  /** The command line after the tool's name. */
  readonly args: readonly string[];
  /** Whether it exited 0. */
  readonly ok: boolean;
  readonly stdout: string;
  /** The `Running upgrade a -> b, …` lines, in order. */
  readonly steps: readonly string[];
  /** The version table's rows after it, sorted. */
  readonly rows: readonly string[];
  /** Everything it printed on stderr. */
  readonly stderr: string;
}

const RUNNING = /^Running (upgrade|downgrade|stamp_revision) /;

const stepLines = (stderr: string): string[] => stderr.split('\n').filter((line) => RUNNING.test(line));

/**
 * The same revisions as an Alembic project and a cgmigrate project, each on its own
 * SQLite file (twin databases), so one command sequence can run through both and the
 * results be compared.
 */
export class TwinProjects {
  readonly dir: string;
  readonly #alembicDir: string;
  readonly #alembicDb: string;
  readonly #cgDir: string;
  readonly #cgDb: string;

  constructor(revisions: readonly TwinRevision[]) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-twin-'));
    this.#alembicDir = path.join(this.dir, 'alembic');
    this.#alembicDb = path.join(this.dir, 'alembic.db');
    this.#cgDir = path.join(this.dir, 'cg');
    this.#cgDb = path.join(this.dir, 'cg.db');
    writeAlembicProject(this.#alembicDir, `sqlite:///${this.#alembicDb}`, revisions);
    writeCgmigrateProject(path.join(this.#cgDir, 'migrations'), revisions);
  }

  /** Runs the commands through Alembic, in one process. */
  alembic(commands: readonly (readonly string[])[]): ToolRun[] {
    return runAlembicSession(this.#alembicDir, commands, this.#alembicDb).map((run: AlembicCommandResult) => ({
      args: run.args,
      ok: run.status === 0,
      stdout: run.stdout,
      steps: stepLines(run.stderr),
      rows: run.rows,
      stderr: run.crash === undefined || run.crash === null ? run.stderr : `${run.stderr}${run.crash}\n`,
    }));
  }

  /** Runs the commands through the built cgmigrate, one process each. */
  async cgmigrate(commands: readonly (readonly string[])[]): Promise<ToolRun[]> {
    const runs: ToolRun[] = [];
    for (const args of commands) {
      const run = await cgmigrate(args, { cwd: this.#cgDir, env: { DATABASE_URL: `sqlite:///${this.#cgDb}` } });
      runs.push({
        args,
        ok: run.code === 0,
        stdout: run.stdout,
        steps: stepLines(run.stderr),
        rows: versionRows(this.#cgDb) ?? [],
        stderr: run.stderr,
      });
    }
    return runs;
  }

  /** Replaces cgmigrate's version rows, as another tool would leave them (the table must exist). */
  setCgmigrateRows(rows: readonly string[]): void {
    setVersionRows(this.#cgDb, rows);
  }

  /** Runs the commands through both tools. */
  async both(commands: readonly (readonly string[])[]): Promise<{ alembic: ToolRun[]; cgmigrate: ToolRun[] }> {
    return { alembic: this.alembic(commands), cgmigrate: await this.cgmigrate(commands) };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A revision with no SQL, for graph-only tests: `rev('b', ['a'])`. */
export function rev(id: string, parents: readonly string[] = [], extra: Partial<TwinRevision> = {}): TwinRevision {
  return { id, parents, up: [], down: [], ...extra };
}

/**
 * What two runs share when they agree: exit, stdout, steps and rows. Alembic prints
 * `current`, the branches of each `branches` block and a revision's branch labels from
 * Python sets (an order that changes from run to run): those are compared sorted.
 */
export function comparable(run: ToolRun): Pick<ToolRun, 'args' | 'ok' | 'stdout' | 'steps' | 'rows'> {
  let stdout = run.stdout.replace(/\(([^()]+, [^()]+)\)/g, (_, list: string) => `(${list.split(', ').sort().join(', ')})`);
  if (run.args[0] === 'current') stdout = stdout.split('\n').filter(Boolean).sort().join('\n');
  if (run.args[0] === 'branches' && !run.args.includes('--verbose')) {
    stdout = stdout
      .split('\n\n')
      .map((block) => {
        const [point, ...branches] = block.split('\n');
        return [point, ...branches.sort()].join('\n');
      })
      .join('\n\n');
  }
  // A stamp step's rows are listed in version-table order, which follows each tool's own write order.
  const steps = run.steps.map((line) =>
    line.replace(/^(Running stamp_revision )(.*)( -> .*)$/, (_, head: string, from: string, rest: string) => `${head}${from.split(', ').sort().join(', ')}${rest}`),
  );
  return { args: run.args, ok: run.ok, stdout, steps, rows: run.rows };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

/** The built executable. */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
export const TRACE_HOOK = fileURLToPath(new URL('./fixtures/trace-imports.mjs', import.meta.url));

/**
 * The modules a run traced with {@link TRACE_HOOK} loaded, as file URLs: each URL in the
 * trace file, and for a chunk of the fast entry's bundle (`dist/fast/`), every module its
 * source map names instead, so a test sees the MikroORM or oclif code a chunk carries.
 */
export function loadedModules(traceFile: string): string[] {
  let urls: string[];
  try {
    urls = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return []; // nothing resolved after the hook was installed
  }
  return urls.flatMap((url) => {
    if (!url.startsWith('file:') || !url.includes('/dist/fast/')) return [url];
    const chunk = fileURLToPath(url);
    if (!existsSync(`${chunk}.map`)) return [url]; // the bundler's own helpers, no module of ours
    const map = JSON.parse(readFileSync(`${chunk}.map`, 'utf8')) as { sources: string[] };
    return map.sources.map((source) => pathToFileURL(path.resolve(path.dirname(chunk), source)).href);
  });
}

/** What one run of the CLI printed and how it exited. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly nodeArgs?: readonly string[];
}

/** A `cgmigrate` process started by {@link startCgmigrate}. */
export interface RunningCgmigrate {
  readonly child: ChildProcess;
  /** Resolves with the run's output when the process has exited. */
  readonly done: Promise<RunResult>;
  /** Resolves once stderr holds `marker`; rejects if the process exits first. */
  until(marker: string): Promise<void>;
}

/** How {@link startCgmigrate} starts the CLI: as {@link RunOptions}, or as another OS user. */
export interface StartOptions extends RunOptions {
  /** Run as this OS user through `runuser -u`, with only `PATH`, `NO_COLOR`, `HOME` and `TMPDIR` (the cwd) set. */
  readonly asUser?: string | undefined;
}

/**
 * Starts the built `bin/run.js` with this Node (24) in `cwd`, with a clean environment
 * (`DATABASE_URL`, `FORCE_COLOR` and `DEBUG` removed unless `env` sets them).
 */
export function startCgmigrate(args: readonly string[], options: StartOptions): RunningCgmigrate {
  const command = [...(options.nodeArgs ?? []), BIN, ...args];
  let child: ChildProcess;
  if (options.asUser === undefined) {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
    delete env['DATABASE_URL'];
    delete env['FORCE_COLOR'];
    delete env['DEBUG'];
    if (options.env?.['DATABASE_URL']) env['DATABASE_URL'] = options.env['DATABASE_URL'];
    child = spawn(process.execPath, command, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: options.cwd, TMPDIR: options.cwd, ...options.env };
    child = spawn('runuser', ['-u', options.asUser, '--', process.execPath, ...command], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  let stdout = '';
  let stderr = '';
  const waiters: { readonly marker: string; readonly resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters) if (stderr.includes(waiter.marker)) waiter.resolve();
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
  return {
    child,
    done,
    until: (marker) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(marker)) return resolve();
        waiters.push({ marker, resolve });
        void done.then((run) => reject(new Error(`cgmigrate exited with ${run.code} before '${marker}':\n${run.stderr}`)));
      }),
  };
}

/** Runs the built `bin/run.js` with this Node (24) in `cwd`, with a clean environment, to its end. */
export function cgmigrate(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return startCgmigrate(args, options).done;
}

/** A fresh temporary project directory, removed by the returned function. */
/** A migration file for a test: `up` (and `down`, when given) are the bodies' lines as written. */
export interface TestMigration {
  readonly id: string;
  readonly parent: string | null;
  readonly up: string;
  readonly down?: string | undefined;
  readonly transactional?: boolean | undefined;
}

/** The source of a test migration in the revision template's shape, `message` `migration <id>`. */
export function testMigrationSource(m: TestMigration): string {
  return `export default {
  revision: '${m.id}',
  downRevision: ${m.parent === null ? 'null' : `'${m.parent}'`},
  message: 'migration ${m.id}',
${m.transactional === false ? '  transactional: false,\n' : ''}  async up(op) {
${m.up}
  },
${m.down === undefined ? '' : `  async down(op) {${m.down}},\n`}};
`;
}

/**
 * Writes two migrations into `<dir>/migrations/versions`: `r001` and `r002`, each creating
 * a table `t_<id>`; with `slowMs`, `r002` then sleeps that long when `SLOW_MIGRATION` is
 * set, so that a test can hold a run (and its lock) in the middle.
 */
export function writeTwoMigrations(dir: string, slowMs?: number): void {
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const [id, parent] of [
    ['r001', null],
    ['r002', 'r001'],
  ] as const) {
    const sleep =
      id === 'r002' && slowMs !== undefined
        ? `\n    if (process.env.SLOW_MIGRATION) await new Promise((resolve) => setTimeout(resolve, ${slowMs}));`
        : '';
    const up = `    await op.execute('CREATE TABLE t_${id} (id INTEGER)');${sleep}`;
    writeFileSync(path.join(dir, 'migrations', 'versions', `${id}.ts`), testMigrationSource({ id, parent, up }));
  }
}

export function tempProject(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The rows of the version table, or `undefined` when the database or the table does not exist. */
export function versionRows(dbFile: string): string[] | undefined {
  if (!existsSync(dbFile)) return undefined;
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").get();
    if (!table) return undefined;
    return db
      .prepare('SELECT version_num FROM alembic_version ORDER BY version_num')
      .all()
      .map((row) => String((row as { version_num: unknown }).version_num));
  } finally {
    db.close();
  }
}

/** Replaces the rows of an SQLite file's version table (which must exist), as another tool or a restored dump would leave them. */
export function setVersionRows(dbFile: string, rows: readonly string[]): void {
  const db = new DatabaseSync(dbFile);
  try {
    db.exec('DELETE FROM alembic_version');
    const insert = db.prepare('INSERT INTO alembic_version (version_num) VALUES (?)');
    for (const row of rows) insert.run(row);
  } finally {
    db.close();
  }
}

/** The user tables of an SQLite file, sorted. */
export function tables(dbFile: string): string[] {
  if (!existsSync(dbFile)) return [];
  const db = new DatabaseSync(dbFile, { readOnly: true });
  try {
    return db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((row) => String((row as { name: unknown }).name));
  } finally {
    db.close();
  }
}

/** A digest of a file's bytes, or `undefined` when it does not exist. */
export function fileDigest(file: string): string | undefined {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : undefined;
}

/** Gives a generated migration an `up` that creates `table` and a `down` that drops it. */
export function fillMigration(file: string, table: string): void {
  fillMigrationSql(file, `CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`, `DROP TABLE ${table}`);
}

/** Gives a generated migration an `up` and a `down` that each run one SQL statement. */
export function fillMigrationSql(file: string, up: string, down: string): void {
  const source = readFileSync(file, 'utf8')
    .replace(/async up\(op\) \{\n/, `async up(op) {\n    await op.execute(${JSON.stringify(up)});\n`)
    .replace(/async down\(op\) \{\n/, `async down(op) {\n    await op.execute(${JSON.stringify(down)});\n`);
  if (!source.includes(JSON.stringify(up))) throw new Error(`unexpected migration template in ${file}`);
  writeFileSync(file, source);
}

/** Migration files in a versions folder. */
export function migrationFiles(versionsDir: string): string[] {
  return existsSync(versionsDir) ? readdirSync(versionsDir).filter((name) => name.endsWith('.ts')) : [];
}

/** The two ways every failing path is run. */
export type Mode = 'human' | 'json';
export const MODES: readonly Mode[] = ['human', 'json'];

/** The `--json` document of a failure. */
export interface ErrorJson {
  error: { code: string; message: string; hint?: string; exitCode: number } & Record<string, unknown>;
}

const ERROR_SCHEMA = fileURLToPath(new URL('../../../../docs/json/error.schema.json', import.meta.url));
let validateErrorJson: ReturnType<Ajv['compile']> | undefined;

/** Asserts that a `--json` error document is exactly what docs/json/error.schema.json documents, no field more. */
export function expectDocumentedErrorJson(document: unknown): void {
  validateErrorJson ??= new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(ERROR_SCHEMA, 'utf8')) as object);
  expect(validateErrorJson(document), `${JSON.stringify(validateErrorJson.errors)}\n${JSON.stringify(document)}`).toBe(true);
}

/** Runs a failing command in a mode and checks what every failure must do in it. */
export async function fails(
  mode: Mode,
  args: string[],
  cwd: string,
  expected: { code: string; exit: number },
  env?: Record<string, string>,
): Promise<{ run: RunResult; message: string; hint: string | undefined; text: string }> {
  const run = await cgmigrate(mode === 'json' ? [...args, '--json'] : args, { cwd, ...(env ? { env } : {}) });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(expected.exit);
  if (mode === 'json') {
    const document = run.json<ErrorJson>();
    const { error } = document;
    expect(error.code).toBe(expected.code);
    expect(error.exitCode).toBe(expected.exit);
    // The status once, as exitCode: no oclif internals (issue 24, item 10), nothing the schema does not document.
    expect(error).not.toHaveProperty('oclif');
    expectDocumentedErrorJson(document);
    expect(run.stderr).not.toContain('Error [');
    return { run, message: error.message, hint: error.hint, text: run.stdout + run.stderr };
  }
  expect(run.stdout).toBe('');
  const line = run.stderr.split('\n').find((l) => l.startsWith(`Error [${expected.code}]: `));
  expect(line, run.stderr).toBeDefined();
  const hint = run.stderr.split('\n').find((l) => l.startsWith('Hint: '));
  return {
    run,
    message: line!.slice(`Error [${expected.code}]: `.length),
    hint: hint?.slice('Hint: '.length),
    text: run.stdout + run.stderr,
  };
}

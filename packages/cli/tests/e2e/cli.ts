import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

/** The built executable. */
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
export const TRACE_HOOK = fileURLToPath(new URL('./fixtures/trace-imports.mjs', import.meta.url));

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

/** Runs the built `bin/run.js` with this Node (24) in `cwd`, with a clean environment. */
export function cgmigrate(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env['DATABASE_URL'];
  delete env['FORCE_COLOR'];
  delete env['DEBUG'];
  if (options.env?.['DATABASE_URL']) env['DATABASE_URL'] = options.env['DATABASE_URL'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
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
}

/** A fresh temporary project directory, removed by the returned function. */
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
  const source = readFileSync(file, 'utf8')
    .replace(/async up\(op\) \{\n/, `async up(op) {\n    await op.execute('CREATE TABLE ${table} (id INTEGER PRIMARY KEY)');\n`)
    .replace(/async down\(op\) \{\n/, `async down(op) {\n    await op.execute('DROP TABLE ${table}');\n`);
  if (!source.includes(`CREATE TABLE ${table}`)) throw new Error(`unexpected migration template in ${file}`);
  writeFileSync(file, source);
}

/** Migration files in a versions folder. */
export function migrationFiles(versionsDir: string): string[] {
  return existsSync(versionsDir) ? readdirSync(versionsDir).filter((name) => name.endsWith('.ts')) : [];
}

// @module-tag postgres
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject, type RunResult } from './cli.js';

/**
 * Finding 5 of issue 16: a database credential, in any form a URL can carry it, is
 * printed by no command, in no mode and on no error path, and lands in no audit row, no
 * offline script and no file cgmigrate writes. The server trusts every connection, so any
 * password is accepted and each command runs for real.
 */

const SERVER = 'postgres@127.0.0.1:5432';
const AUTOGENERATE_FIXTURES = fileURLToPath(new URL('./fixtures/autogenerate/', import.meta.url));
const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** The secrets, decoded: each form below carries one. */
const SECRET = {
  /** In the user information, with characters that percent-encode differently. */
  userinfo: 'p@ss:w/rd?#',
  /** A `?password=` parameter as written, in `DATABASE_URL`. */
  rawQuery: 'RawQry7pw',
  /** A percent-encoded `?password=s3cr%40t`, as in the issue. */
  encodedQuery: 's3cr@t',
  /** libpq's `sslpassword=`, which the PostgreSQL adapter refuses (an error path). */
  sslPassword: 'k3y@pass',
  /** A libpq key/value connection string, which cgmigrate refuses (an error path). */
  conninfo: "dsn pw'9",
} as const;

/** Every spelling a secret could be printed in: decoded, percent-encoded (either hex case), form-encoded, JSON-escaped. */
function spellings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  return [
    secret,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams([['', secret]]).toString().slice(1),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** What must appear nowhere: every spelling of every secret, and tell-tale pieces of them (a partial mask leaks too). */
const FORBIDDEN = [...new Set([...Object.values(SECRET).flatMap(spellings), 's3cr', 'ss:w', 'rd?#', 'RawQry', 'k3y@', 'dsn pw'])];

/** Where a secret was seen: every run is checked, and the test lists them all at the end. */
const leaks: string[] = [];

function checkNoSecret(where: string, text: string): void {
  for (const secret of FORBIDDEN) {
    if (!text.includes(secret)) continue;
    const line = text.split('\n').find((candidate) => candidate.includes(secret));
    leaks.push(`${where} shows '${secret}' in: ${line}`);
  }
}

/** How a run gets its URL: `--url`, or `DATABASE_URL`. */
interface Form {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

/** The three forms every command runs with, against database `name` (and a port, to make it unreachable). */
function workingForms(name: string, port = 5432): Form[] {
  const server = SERVER.replace(':5432', `:${port}`);
  const userinfo = `postgresql://postgres:${encodeURIComponent(SECRET.userinfo)}@${server.slice('postgres@'.length)}/${name}`;
  const rawQuery = `postgresql://${server}/${name}?sslmode=disable&password=${SECRET.rawQuery}`;
  const encodedQuery = `postgresql://${server}/${name}?password=${encodeURIComponent(SECRET.encodedQuery)}&application_name=redact`;
  return [
    { name: 'userinfo password with @:/?# (--url)', args: ['--url', userinfo], env: {} },
    { name: '?password= raw (DATABASE_URL)', args: [], env: { DATABASE_URL: rawQuery } },
    { name: '?password=s3cr%40t (--url=)', args: [`--url=${encodedQuery}`], env: {} },
  ];
}

interface Mode {
  readonly name: string;
  readonly args: readonly string[];
  /** oclif runs the commands of one mode, the fast entry the others', so both entries are covered. */
  readonly env: Record<string, string>;
}

const MODES: readonly Mode[] = [
  { name: 'human', args: [], env: {} },
  { name: 'json', args: ['--json'], env: { CGMIGRATE_NO_FAST_PATH: '1' } },
  { name: 'verbose', args: ['--verbose'], env: {} },
];

/** One command of a mode's sequence: its arguments, where it runs, and the exit status it must have. */
interface Step {
  readonly args: readonly string[];
  readonly cwd: 'project' | 'fresh' | 'autogenerate';
  readonly exit: number;
  /** Whether it opens the database (its `--verbose` output then names it). */
  readonly connects: boolean;
}

/** Every command, in an order that moves the database up, down and back, ending with those that write files. */
const STEPS: readonly Step[] = [
  { args: ['current'], cwd: 'project', exit: 0, connects: true },
  { args: ['heads'], cwd: 'project', exit: 0, connects: false },
  { args: ['history', '--indicate-current'], cwd: 'project', exit: 0, connects: true },
  { args: ['branches'], cwd: 'project', exit: 0, connects: false },
  { args: ['show', 'head'], cwd: 'project', exit: 0, connects: false },
  { args: ['check'], cwd: 'project', exit: 1, connects: true },
  { args: ['upgrade', 'head'], cwd: 'project', exit: 0, connects: true },
  { args: ['current'], cwd: 'project', exit: 0, connects: true },
  { args: ['check'], cwd: 'project', exit: 0, connects: true },
  { args: ['downgrade', 'base'], cwd: 'project', exit: 0, connects: true },
  { args: ['stamp', 'head'], cwd: 'project', exit: 0, connects: true },
  { args: ['upgrade', 'head', '--sql'], cwd: 'project', exit: 0, connects: false },
  { args: ['downgrade', 'head:base', '--sql'], cwd: 'project', exit: 0, connects: false },
  { args: ['stamp', 'head', '--sql'], cwd: 'project', exit: 0, connects: false },
  { args: ['revision', '-m', 'next step'], cwd: 'project', exit: 0, connects: false },
  { args: ['revision', '--autogenerate', '-m', 'users'], cwd: 'autogenerate', exit: 0, connects: true },
  { args: ['init'], cwd: 'fresh', exit: 0, connects: false },
];

function migration(id: string, parent: string | null, up: string, down: string): string {
  return `export default {
  revision: '${id}',
  downRevision: ${parent === null ? 'null' : `'${parent}'`},
  message: 'step ${id}',
  async up(op) {
    ${up}
  },
  async down(op) {
    ${down}
  },
};
`;
}

function writeProject(dir: string, migrations: Record<string, string>): void {
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), "export default { scriptLocation: 'migrations' };\n");
  for (const [file, source] of Object.entries(migrations)) writeFileSync(path.join(dir, 'migrations', 'versions', file), source);
}

/** A project whose config points `entities` at a MikroORM model, for `revision --autogenerate`. */
function writeAutogenerateProject(dir: string): void {
  symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  cpSync(path.join(AUTOGENERATE_FIXTURES, 'entities-v1.ts'), path.join(dir, 'entities.ts'));
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), "import { entities } from './entities.ts';\n\nexport default { entities };\n");
}

/** Every file under `dir` (not following `node_modules`), with its text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((relative) => !relative.split(path.sep).includes('node_modules'))
    .map((relative) => path.join(dir, relative))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, text: readFileSync(file, 'latin1') }));
}

/** The rows of a table, none when it does not exist. */
async function rowsIfTable(url: string, table: string): Promise<unknown[]> {
  const [found] = (await queryTestDatabase(url, `SELECT to_regclass('${table}') IS NOT NULL AS exists`)) as { exists: boolean }[];
  return found?.exists ? queryTestDatabase(url, `SELECT * FROM ${table}`) : [];
}

/** Runs `tasks` with at most `size` at a time (the machine has two cores). */
async function inPool<T>(tasks: readonly (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

function describeRun(label: string, run: RunResult): string {
  return `${label} exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

describe('credentials in every form are redacted everywhere (issue 16, finding 5)', () => {
  /** Databases per mode, so the three modes' sequences run side by side (one for autogenerate each), and one for the error paths. */
  const databases: TestDatabase[] = [];
  const autogenerateDatabases: TestDatabase[] = [];
  let errorDb: TestDatabase;
  const cleanups: (() => void)[] = [];
  const temp = (): string => {
    const project = tempProject();
    cleanups.push(project.cleanup);
    return project.dir;
  };

  beforeAll(async () => {
    for (const _mode of MODES) {
      databases.push(await createTestDatabase('cgmigrate_redact'));
      autogenerateDatabases.push(await createTestDatabase('cgmigrate_redact_autogen'));
    }
    errorDb = await createTestDatabase('cgmigrate_redact_errors');
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await Promise.all([...databases, ...autogenerateDatabases, errorDb].filter(Boolean).map((db) => db.drop()));
  });

  it('every command, in human, --json and --verbose mode, with each form: no secret in stdout, stderr, the script, the audit rows or the files written', async () => {
    const sequences = MODES.map((mode, modeIndex) => async () => {
      const db = databases[modeIndex]!;
      const project = temp();
      writeProject(project, {
        'a1_first.ts': migration('a1', null, "await op.execute('CREATE TABLE t1 (id INTEGER PRIMARY KEY)');", "await op.execute('DROP TABLE t1');"),
        'b2_second.ts': migration('b2', 'a1', "await op.execute('CREATE TABLE t2 (id INTEGER PRIMARY KEY)');", "await op.execute('DROP TABLE t2');"),
      });
      const autogenerate = temp();
      writeAutogenerateProject(autogenerate);
      const forms = workingForms(db.name);
      const autogenerateForms = workingForms(autogenerateDatabases[modeIndex]!.name);
      const seen: string[] = [];
      for (const [stepIndex, step] of STEPS.entries()) {
        // Each command meets each form once across the three modes.
        const formIndex = (stepIndex + modeIndex) % forms.length;
        const form = (step.cwd === 'autogenerate' ? autogenerateForms : forms)[formIndex]!;
        const cwd = step.cwd === 'project' ? project : step.cwd === 'autogenerate' ? autogenerate : temp();
        const label = `${mode.name}: cgmigrate ${step.args.join(' ')} with ${form.name}`;
        const run = await cgmigrate([...step.args, ...mode.args, ...form.args], { cwd, env: { ...mode.env, ...form.env } });
        expect(run.code, describeRun(label, run)).toBe(step.exit);
        checkNoSecret(label, run.stdout + run.stderr);
        if (mode.name === 'verbose' && step.connects) expect(run.stderr, label).toMatch(/^Database: postgresql:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:5432\//m);
        if (mode.name === 'json') run.json();
        if (step.args.includes('--sql')) expect(run.stdout, label).toContain('alembic_version');
        seen.push(label);
      }
      for (const { file, text } of [...filesUnder(project), ...filesUnder(autogenerate)]) checkNoSecret(file, text);
      const audit = await queryTestDatabase(db.url, 'SELECT * FROM cgmigrate_audit ORDER BY id');
      expect(audit.length).toBeGreaterThanOrEqual(5);
      checkNoSecret(`the audit rows of ${mode.name}`, JSON.stringify(audit));
      return seen;
    });
    leaks.length = 0;
    const seen = (await inPool(sequences, MODES.length)).flat();
    expect(seen).toHaveLength(MODES.length * STEPS.length);
    expect(leaks).toEqual([]);
  }, 240_000);

  it('error paths: an unreachable port, a missing database, a failing migration that echoes the password, refused credential forms', async () => {
    const db = errorDb;
    const failing = temp();
    // The statement carries the password and PostgreSQL's error repeats it ("invalid input syntax … \"RawQry7pw\"").
    writeProject(failing, {
      'f1_fails.ts': migration(
        'f1',
        null,
        "await op.execute(`SELECT '${new URL(process.env.DATABASE_URL).searchParams.get('password')}'::int`);",
        '',
      ),
    });
    const project = temp();
    writeProject(project, {});
    const rawQuery = workingForms(db.name)[1]!;
    const unreachable = workingForms(db.name, 1)[0]!;
    const missingDatabase = workingForms('cgmigrate_redact_no_such_database')[2]!;
    const sslPassword = `postgresql://${SERVER}/${db.name}?sslpassword=${encodeURIComponent(SECRET.sslPassword)}`;
    const conninfo = `host=127.0.0.1 port=5432 dbname=${db.name} password='${SECRET.conninfo.replace("'", "\\'")}'`;

    const cases = [
      { label: 'unreachable port', args: ['current', ...unreachable.args], env: unreachable.env, cwd: project, code: 'DATABASE_ERROR' },
      { label: 'missing database', args: ['upgrade', 'head', ...missingDatabase.args], env: missingDatabase.env, cwd: project, code: 'DATABASE_ERROR' },
      { label: 'failing migration', args: ['upgrade', 'head', ...rawQuery.args], env: rawQuery.env, cwd: failing, code: 'MIGRATION_FAILED' },
      { label: 'sslpassword=', args: ['current', '--url', sslPassword], env: {}, cwd: project, code: 'INVALID_URL' },
      { label: 'libpq key/value string', args: ['upgrade', 'head'], env: { DATABASE_URL: conninfo }, cwd: project, code: 'INVALID_URL' },
    ];
    const runs = cases.flatMap((failure) =>
      MODES.map((mode) => async () => {
        const label = `${mode.name}: ${failure.label}`;
        const run = await cgmigrate([...failure.args, ...mode.args], { cwd: failure.cwd, env: { ...mode.env, ...failure.env } });
        expect(run.code, describeRun(label, run)).not.toBe(0);
        expect(run.stdout + run.stderr, describeRun(label, run)).toContain(failure.code);
        checkNoSecret(label, run.stdout + run.stderr);
        return run;
      }),
    );
    leaks.length = 0;
    const results = await inPool(runs, 3);
    expect(results).toHaveLength(cases.length * MODES.length);
    expect(leaks).toEqual([]);
    // The failing migration's error still says what failed, with the password masked; nothing was committed.
    const failed = results[2 * MODES.length]!;
    expect(failed.stderr).toMatch(/invalid input syntax for type integer: "\*\*\*"/);
    expect(await rowsIfTable(db.url, 'alembic_version')).toEqual([]);
    checkNoSecret('the audit rows after the failures', JSON.stringify(await rowsIfTable(db.url, 'cgmigrate_audit')));
    expect(leaks).toEqual([]);
  }, 120_000);

  it('upgrade --sql masks a password a migration writes into its SQL, and warns that the script was changed', async () => {
    const project = temp();
    writeProject(project, {
      'f1_reads_url.ts': migration(
        'f1',
        null,
        "await op.execute(`SELECT '${new URL(process.env.DATABASE_URL).searchParams.get('password')}'::int`);",
        '',
      ),
    });
    const form = workingForms(errorDb.name)[1]!;
    leaks.length = 0;
    const run = await cgmigrate(['upgrade', 'head', '--sql', ...form.args], { cwd: project, env: form.env });
    expect(run.code, describeRun('upgrade --sql', run)).toBe(0);
    expect(run.stdout).toContain("SELECT '***'::int;");
    expect(run.stderr).toContain('Warning: the script contains credentials, printed as ***');
    checkNoSecret('upgrade --sql', run.stdout + run.stderr);
    expect(leaks).toEqual([]);
  });
});

/**
 * `cgmigrate lint` (issue 21) through the built bin, on real PostgreSQL databases and
 * real SQLite files: a DAG with a dangerous migration on one branch fails naming the
 * rule, the file and the line; an ignore comment with a reason makes it pass and one
 * without a reason is a finding; what the same revision or an unapplied ancestor
 * created raises nothing; `--format sarif` is valid SARIF 2.1.0; `--json` is what
 * docs/json/lint.schema.json documents; `upgrade --lint error` refuses and runs
 * nothing; `check` reports lint errors.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, tempProject, versionRows, type RunResult } from './cli.js';

const SCHEMAS = fileURLToPath(new URL('../../../../docs/json/', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS).filter((name) => name.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as object);
function documented(document: unknown, schema: 'lint' | 'check'): string {
  const validate = ajv.getSchema(`https://cgmigrate.local/json/${schema}.schema.json`)!;
  return validate(document) ? 'valid' : ajv.errorsText(validate.errors);
}

/** The official SARIF 2.1.0 schema, as Microsoft's SARIF SDK ships it (draft-04). */
function validSarif(document: unknown): string {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
  const draft04 = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false });
  const validate = draft04.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
  return validate(document) ? 'valid' : draft04.errorsText(validate.errors);
}

type Dialect = 'sqlite' | 'postgresql';
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Migration {
  readonly id: string;
  readonly parent: string | readonly string[] | null;
  /** The body of up(), one statement a line. */
  readonly up: readonly string[];
  readonly transactional?: boolean;
  /** The body of down(), one statement a line. */
  readonly down?: readonly string[];
}

interface Project {
  readonly dir: string;
  readonly url: string;
  run(args: string[]): Promise<RunResult>;
  write(m: Migration): string;
}

/** A project with these migrations (`<id>_m.ts`; up()'s first statement on line 5) on a fresh database. */
async function project(dialect: Dialect, migrations: readonly Migration[], config: Record<string, unknown> = {}): Promise<Project> {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  let url = 'sqlite:///app.db';
  if (dialect === 'postgresql') {
    const db = await createTestDatabase('cgm_lint');
    cleanups.push(() => db.drop());
    url = db.url;
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), `export default ${JSON.stringify({ url, ...config })};\n`);
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  const write = (m: Migration): string => {
    const file = path.join(versions, `${m.id}_m.ts`);
    writeFileSync(
      file,
      `export default {\n  revision: '${m.id}',\n  downRevision: ${JSON.stringify(m.parent)},\n${m.transactional === false ? '  transactional: false,\n' : ''}  async up(op) {\n` +
        m.up.map((line) => `    ${line}\n`).join('') +
        `  },\n  async down(op) {\n${(m.down ?? []).map((line) => `    ${line}\n`).join('')}  },\n};\n`,
    );
    return `migrations/versions/${m.id}_m.ts`;
  };
  for (const m of migrations) write(m);
  return { dir, url, run: (args) => cgmigrate(args, { cwd: dir }), write };
}

/** The line of `text` in a project's migration file. */
function lineOf(p: Project, file: string, text: string): number {
  const lines = readFileSync(path.join(p.dir, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  expect(index, `${text} in ${file}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const SCANS = "await op.createTable('scans', { id: { type: 'integer', primaryKey: true }, host: { type: 'text' } });";

describe('lint on PostgreSQL: a DAG with a dangerous migration on one branch', () => {
  const INDEX = "await op.execute('CREATE INDEX ix_scans_host ON scans (host)');";
  const migrations: Migration[] = [
    { id: 'base01', parent: null, up: [SCANS] },
    // Branch a: an index built under a lock on a table in use.
    { id: 'aaaa01', parent: 'base01', up: ["await op.addColumn('scans', 'note', { type: 'text', nullable: true });", INDEX] },
    // Branch b: a new table and its index: nobody uses it yet.
    {
      id: 'bbbb01',
      parent: 'base01',
      up: ["await op.createTable('alerts', { id: { type: 'integer', primaryKey: true }, level: { type: 'text' } });", "await op.execute('CREATE INDEX ix_alerts_level ON alerts (level)');"],
    },
    { id: 'merge1', parent: ['aaaa01', 'bbbb01'], up: [] },
  ];

  it('exits 1 naming the rule, the file and the line of the statement; the new table on the other branch raises nothing', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const result = await p.run(['lint']);
    expect(result.code, result.stderr).toBe(1);
    const file = 'migrations/versions/aaaa01_m.ts';
    expect(result.stdout).toContain(`${file}:${lineOf(p, file, 'CREATE INDEX ix_scans_host')} CREATE_INDEX_NON_CONCURRENTLY `);
    expect(result.stdout).not.toContain('bbbb01_m.ts');
    expect(result.stderr).toContain('Linted 3 revisions not yet applied to the database for server 15');
  });

  it('passes with an ignore comment that gives a reason, and fails on one that gives none', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const withReason = { ...migrations[1]!, up: [migrations[1]!.up[0]!, '// cgmigrate-lint-ignore CREATE_INDEX_NON_CONCURRENTLY scans holds 40 rows in every deployment', INDEX] };
    p.write(withReason);
    const passed = await p.run(['lint']);
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    expect(passed.stdout).not.toContain('CREATE_INDEX_NON_CONCURRENTLY');

    p.write({ ...withReason, up: [migrations[1]!.up[0]!, '// cgmigrate-lint-ignore CREATE_INDEX_NON_CONCURRENTLY', INDEX] });
    const failed = await p.run(['lint']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/aaaa01_m\.ts:6 IGNORE_WITHOUT_REASON /);
  });

  it('writes SARIF 2.1.0 that the official schema accepts, with the rule and the .ts location', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const result = await p.run(['lint', '--format', 'sarif']);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(validSarif(sarif)).toBe('valid');
    expect(sarif.version).toBe('2.1.0');
    const [finding] = sarif.runs[0]!.results.filter((r) => r.ruleId === 'CREATE_INDEX_NON_CONCURRENTLY');
    expect(finding!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('migrations/versions/aaaa01_m.ts');
    expect(finding!.locations[0]!.physicalLocation.region.startLine).toBe(lineOf(p, 'migrations/versions/aaaa01_m.ts', 'CREATE INDEX ix_scans_host'));
  });

  it('prints GitHub annotations and --json documented by lint.schema.json', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const github = await p.run(['lint', '--format', 'github']);
    expect(github.stdout).toMatch(/^::error file=migrations\/versions\/aaaa01_m\.ts,line=\d+,title=CREATE_INDEX_NON_CONCURRENTLY::/m);
    const json = await p.run(['lint', '--json']);
    expect(json.code).toBe(1);
    const document = json.json<{ findings: { ruleId: string; severity: string; revision: string; file: string; line: number }[]; scope: string }>();
    expect(documented(document, 'lint')).toBe('valid');
    expect(document.scope).toBe('unapplied');
    expect(document.findings.find((f) => f.ruleId === 'CREATE_INDEX_NON_CONCURRENTLY')).toMatchObject({ severity: 'error', revision: 'aaaa01', file: 'migrations/versions/aaaa01_m.ts' });
  });

  it('judges a statement on a table an unapplied ancestor created as harmless, and flags it once that ancestor is applied', async () => {
    const p = await project('postgresql', [
      { id: 'base01', parent: null, up: [SCANS] },
      { id: 'rep001', parent: 'base01', up: ["await op.createTable('reports', { id: { type: 'integer', primaryKey: true }, owner: { type: 'text' } });"] },
      { id: 'rep002', parent: 'rep001', up: ["await op.execute('CREATE INDEX ix_reports_owner ON reports (owner)');"] },
    ]);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const fresh = await p.run(['lint']);
    expect(fresh.code, fresh.stdout).toBe(0);
    expect((await p.run(['upgrade', 'rep001'])).code).toBe(0);
    const later = await p.run(['lint']);
    expect(later.code).toBe(1);
    expect(later.stdout).toMatch(/rep002_m\.ts:5 CREATE_INDEX_NON_CONCURRENTLY /);
  });

  it('upgrade --lint error refuses with LINT_FAILED and runs nothing; the default warns and runs', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const refused = await p.run(['upgrade', 'heads', '--lint', 'error']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LINT_FAILED');
    expect(refused.stderr).toContain('CREATE_INDEX_NON_CONCURRENTLY');
    const rows = await queryTestDatabase<{ version_num: string }>(p.url, 'SELECT version_num FROM alembic_version');
    expect(rows.map((row) => row.version_num)).toEqual(['base01']);

    const warned = await p.run(['upgrade', 'heads']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/aaaa01_m\.ts:\d+ CREATE_INDEX_NON_CONCURRENTLY/);
  });

  it('check reports a lint error of a pending revision as a LINT problem', async () => {
    const p = await project('postgresql', migrations);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const result = await p.run(['check', '--json']);
    expect(result.code).toBe(1);
    const document = result.json<{ problems: { code: string; finding?: { ruleId: string } }[] }>();
    expect(documented(document, 'check')).toBe('valid');
    expect(document.problems.filter((problem) => problem.code === 'LINT').map((problem) => problem.finding!.ruleId)).toContain('CREATE_INDEX_NON_CONCURRENTLY');
  });

  it('without a reachable database, lints the heads and their unmerged branches, and says why', async () => {
    const p = await project('postgresql', migrations);
    const unreachable = 'postgresql://postgres@127.0.0.1:5432/cgm_lint_no_such_database';
    const result = await p.run(['lint', '--url', unreachable]);
    expect(result.stderr).toContain('could not be reached');
    expect(result.stderr).toContain('the heads and their unmerged branches');
    expect(result.stdout).toContain('CREATE_INDEX_NON_CONCURRENTLY');
  });
});

describe('lint on SQLite', () => {
  it('flags dropping a table in use on one branch, with its file and line, and nothing on the other', async () => {
    const p = await project('sqlite', [
      { id: 'base01', parent: null, up: [SCANS, "await op.createTable('old_scans', { id: { type: 'integer', primaryKey: true } });"] },
      { id: 'aaaa01', parent: 'base01', up: ["await op.execute('DROP TABLE old_scans');"] },
      { id: 'bbbb01', parent: 'base01', up: ["await op.createTable('tmp', { id: { type: 'integer', primaryKey: true } });", "await op.dropTable('tmp');"] },
    ]);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const result = await p.run(['lint']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^migrations\/versions\/aaaa01_m\.ts:5 DROP_TABLE /m);
    expect(result.stdout).not.toContain('bbbb01');
    expect(versionRows(path.join(p.dir, 'app.db'))).toEqual(['base01']);
  });

  it('reports a migration that reads the database as not linted, and lints the others', async () => {
    const p = await project('sqlite', [
      { id: 'base01', parent: null, up: [SCANS] },
      { id: 'read01', parent: 'base01', up: ["const rows = await op.query('SELECT count(*) AS n FROM scans');", "await op.execute('DROP TABLE scans');"] },
      { id: 'drop01', parent: 'read01', up: ["await op.dropColumn('scans', 'host');"] },
    ]);
    expect((await p.run(['upgrade', 'base01'])).code).toBe(0);
    const result = await p.run(['lint']);
    expect(result.stdout).toMatch(/read01_m\.ts:5 NOT_LINTED .*op\.query/);
    expect(result.stdout).toMatch(/drop01_m\.ts:5 DROP_COLUMN /);
  });
});

describe('revision --autogenerate with lint.safeAutogenerate on PostgreSQL', () => {
  const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

  it('writes the index CONCURRENTLY and the foreign key NOT VALID, validated in a transactional: false revision, which then runs', async () => {
    const { dir, cleanup } = tempProject();
    cleanups.push(cleanup);
    symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    const db = await createTestDatabase('cgm_lint_safe');
    cleanups.push(() => db.drop());
    mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
    const entities = (indexed: boolean) =>
      "import { defineEntity, p } from '@mikro-orm/core';\n" +
      "const Team = defineEntity({ name: 'Team', properties: { id: p.integer().primary(), name: p.string() } });\n" +
      `const Scan = defineEntity({ name: 'Scan', ${indexed ? "indexes: [{ name: 'scan_host_index', properties: ['host'] }], " : ''}properties: { id: p.integer().primary(), host: p.string()${indexed ? ', team: () => p.manyToOne(Team).nullable()' : ''} } });\n` +
      'export const entities = [Team, Scan];\n';
    writeFileSync(path.join(dir, 'entities.ts'), entities(false));
    writeFileSync(path.join(dir, 'cgmigrate.config.ts'), `import { entities } from './entities.ts';\nexport default { url: ${JSON.stringify(db.url)}, entities, lint: { safeAutogenerate: true } };\n`);
    const run = (args: string[]) => cgmigrate(args, { cwd: dir });

    expect((await run(['revision', '--autogenerate', '-m', 'scans'])).code).toBe(0);
    expect((await run(['upgrade', 'head'])).code).toBe(0);
    await queryTestDatabase(db.url, "INSERT INTO team (id, name) VALUES (1, 'core'); INSERT INTO scan (id, host) VALUES (1, 'a'), (2, 'b')");

    writeFileSync(path.join(dir, 'entities.ts'), entities(true));
    const generated = await run(['revision', '--autogenerate', '-m', 'index scans']);
    expect(generated.code, generated.stderr).toBe(0);
    const files = readdirSync(path.join(dir, 'migrations', 'versions')).filter((name) => name.endsWith('.ts')).sort();
    expect(files).toHaveLength(3);
    const sources = files.map((name) => readFileSync(path.join(dir, 'migrations', 'versions', name), 'utf8'));
    const followUp = sources.find((source) => source.includes('transactional: false'))!;
    expect(followUp).toBeDefined();
    expect(followUp).toContain('concurrently: true');
    expect(followUp).toContain('validateConstraint(');
    expect(sources.find((source) => source.includes('notValid: true'))).toBeDefined();
    // The safe forms leave nothing for the lint to fault.
    expect(generated.stderr).not.toMatch(/CREATE_INDEX_NON_CONCURRENTLY|ADD_FOREIGN_KEY_VALIDATING|CONCURRENTLY_IN_TRANSACTION/);

    const upgraded = await run(['upgrade', 'head', '--lint', 'error']);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    const [index] = await queryTestDatabase<{ indisvalid: boolean }>(db.url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'scan_host_index'::regclass");
    expect(index).toEqual({ indisvalid: true });
    const constraints = await queryTestDatabase<{ contype: string; convalidated: boolean }>(db.url, "SELECT contype, convalidated FROM pg_constraint WHERE conrelid = 'scan'::regclass AND contype = 'f'");
    expect(constraints).toEqual([{ contype: 'f', convalidated: true }]);
  });

  it('without the switch, prints the lint findings for the file it wrote', async () => {
    const { dir, cleanup } = tempProject();
    cleanups.push(cleanup);
    symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
    const db = await createTestDatabase('cgm_lint_autogen');
    cleanups.push(() => db.drop());
    mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
    const entities = (indexed: boolean) =>
      "import { defineEntity, p } from '@mikro-orm/core';\n" +
      `const Scan = defineEntity({ name: 'Scan', ${indexed ? "indexes: [{ name: 'scan_host_index', properties: ['host'] }], " : ''}properties: { id: p.integer().primary(), host: p.string() } });\n` +
      'export const entities = [Scan];\n';
    writeFileSync(path.join(dir, 'entities.ts'), entities(false));
    writeFileSync(path.join(dir, 'cgmigrate.config.ts'), `import { entities } from './entities.ts';\nexport default { url: ${JSON.stringify(db.url)}, entities };\n`);
    const run = (args: string[]) => cgmigrate(args, { cwd: dir });
    expect((await run(['revision', '--autogenerate', '-m', 'scans'])).code).toBe(0);
    expect((await run(['upgrade', 'head'])).code).toBe(0);
    writeFileSync(path.join(dir, 'entities.ts'), entities(true));
    const generated = await run(['revision', '--autogenerate', '-m', 'index scans']);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stderr).toMatch(/index_scans\.ts:\d+ CREATE_INDEX_NON_CONCURRENTLY /);
  });
});

describe('verify includes the lint', () => {
  it('fails with VERIFY_LINT for what a branch adds onto --from, and from base only for what holds whatever the table', async () => {
    const p = await project('postgresql', [
      { id: 'base01', parent: null, up: [SCANS], down: ["await op.dropTable('scans');"] },
      { id: 'idx001', parent: 'base01', up: ["await op.execute('CREATE INDEX ix_scans_host ON scans (host)');"], down: ["await op.execute('DROP INDEX ix_scans_host');"] },
    ]);
    // From base nothing is in use: the index on a table the same deploy makes is fine.
    const fromBase = await p.run(['verify', '--json']);
    expect(fromBase.code, fromBase.stdout).toBe(0);
    // Onto a database at base01, the index blocks writes to scans.
    const fromMain = await p.run(['verify', '--from', 'base01', '--json']);
    expect(fromMain.code).toBe(1);
    const findings = fromMain.json<{ findings: { code: string; ruleId?: string; line?: number; revision?: string }[] }>().findings;
    expect(findings).toContainEqual(expect.objectContaining({ code: 'VERIFY_LINT', ruleId: 'CREATE_INDEX_NON_CONCURRENTLY', revision: 'idx001', line: 5 }));

    p.write({ id: 'idx001', parent: 'base01', up: ["await op.execute('CREATE INDEX CONCURRENTLY ix_scans_host ON scans (host)');"], down: ["await op.execute('DROP INDEX ix_scans_host');"] });
    const inTransaction = await p.run(['verify']);
    expect(inTransaction.code).toBe(1);
    expect(inTransaction.stdout).toMatch(/VERIFY_LINT: migrations\/versions\/idx001_m\.ts:5 CONCURRENTLY_IN_TRANSACTION /);
  });
});

describe('upgrade lints what it will run, within bounds', () => {
  it('gives up on an up() that does not finish offline within stepTimeout, reports it NOT_LINTED, and runs it', async () => {
    const p = await project(
      'sqlite',
      [
        { id: 'base01', parent: null, up: [SCANS] },
        // Offline it waits for what only the database would give it.
        { id: 'wait01', parent: 'base01', up: ['if (op.offline) await new Promise(() => {});', "await op.execute('CREATE TABLE t2 (id integer)');"] },
      ],
      { stepTimeout: 1000 },
    );
    const run = await p.run(['upgrade', 'head']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/wait01_m\.ts:\d+ NOT_LINTED Not linted from here on: its up\(\) had not finished after 1 s offline/);
    expect(versionRows(path.join(p.dir, 'app.db'))).toEqual(['wait01']);
  });

  it('stops before running anything when an up() rendered for the lint throws from a timer', async () => {
    const p = await project('sqlite', [
      { id: 'base01', parent: null, up: [SCANS] },
      { id: 'boom01', parent: 'base01', up: ["if (op.offline) setTimeout(() => { throw new Error('timer failure'); }, 0);", 'await new Promise((resolve) => setTimeout(resolve, 100));'] },
    ]);
    expect((await p.run(['upgrade', 'base01', '--lint', 'off'])).code).toBe(0);
    const run = await p.run(['upgrade', 'head']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('timer failure');
    expect(versionRows(path.join(p.dir, 'app.db'))).toEqual(['base01']);
  });

  it('on PostgreSQL lints beside the run: warns, applies, and rolls everything back when the lint fails', async () => {
    const INDEX = "await op.execute('CREATE INDEX ix_scans_host ON scans (host)');";
    const p = await project('postgresql', [
      { id: 'base01', parent: null, up: [SCANS] },
      { id: 'warn01', parent: 'base01', up: [INDEX, "await op.execute('CREATE TABLE t1 (id integer)');"] },
      { id: 'boom01', parent: 'warn01', up: ["if (op.offline) setTimeout(() => { throw new Error('timer failure'); }, 0);", "await op.execute('CREATE TABLE t2 (id integer)');", 'await new Promise((resolve) => setTimeout(resolve, 100));'] },
    ]);
    expect((await p.run(['upgrade', 'base01', '--lint', 'off'])).code).toBe(0);
    const failed = await p.run(['upgrade', 'head']);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('timer failure');
    const tables = async () =>
      (await queryTestDatabase<{ name: string }>(p.url, "SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('t1', 't2') ORDER BY 1")).map((row) => row.name);
    expect(await tables()).toEqual([]);
    expect((await queryTestDatabase<{ version_num: string }>(p.url, 'SELECT version_num FROM alembic_version')).map((row) => row.version_num)).toEqual(['base01']);

    p.write({ id: 'boom01', parent: 'warn01', up: ["await op.execute('CREATE TABLE t2 (id integer)');"] });
    const warned = await p.run(['upgrade', 'head']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/warn01_m\.ts:\d+ CREATE_INDEX_NON_CONCURRENTLY/);
    expect(await tables()).toEqual(['t1', 't2']);
  });
});

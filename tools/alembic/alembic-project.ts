/**
 * Builds a throwaway Alembic project next to a cgmigrate one, with the same revision
 * ids, and runs the real Alembic (Debian's python3-alembic) against the same
 * database. Used by interoperability tests and benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One revision, written both as an Alembic script and as a cgmigrate migration. */
export interface TwinRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly up: readonly string[];
  readonly down: readonly string[];
  readonly message?: string;
  /** Revisions this one needs that are not its parents (Alembic's `depends_on`). */
  readonly dependsOn?: readonly string[];
  /** Alembic's `branch_labels`. */
  readonly branchLabels?: readonly string[];
}

const pythonTuple = (ids: readonly string[] | undefined): string =>
  ids === undefined || ids.length === 0 ? 'None' : `(${ids.map((id) => `'${id}'`).join(', ')},)`;

export const PYTHON = process.env['CGMIGRATE_ALEMBIC_PYTHON'] ?? '/usr/bin/python3';

const ENV_PY = `from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
fileConfig(config.config_file_name)
section = config.get_section(config.config_ini_section)
# \`-x url=<url>\` points one run at another database (a fleet's tenant), as Alembic's cookbook does.
url = context.get_x_argument(as_dictionary=True).get("url")
if url:
    section["sqlalchemy.url"] = url
connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
`;

// Alembic logs each step at INFO on stderr only when the ini configures logging.
const LOGGING_INI = `[loggers]
keys = root,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(message)s
`;

/** Fails with the install command when Alembic is not importable. */
export function assertAlembicInstalled(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import alembic'], { stdio: 'pipe' });
  } catch {
    throw new Error(`Alembic is not installed for ${PYTHON}: apt-get install -y python3-alembic`);
  }
}

/**
 * Writes an Alembic project (alembic.ini, env.py, versions/) in `dir` for `url`; a run
 * given `-x url=<other>` migrates that database instead.
 */
export function writeAlembicProject(dir: string, url: string, revisions: readonly TwinRevision[]): void {
  mkdirSync(path.join(dir, 'versions'), { recursive: true });
  writeFileSync(path.join(dir, 'alembic.ini'), `[alembic]\nscript_location = ${dir}\nsqlalchemy.url = ${url}\n\n${LOGGING_INI}`);
  writeFileSync(path.join(dir, 'env.py'), ENV_PY);
  writeFileSync(path.join(dir, 'script.py.mako'), '');
  for (const rev of revisions) {
    const down = rev.parents.length === 0 ? 'None' : rev.parents.length === 1 ? `'${rev.parents[0]}'` : `(${rev.parents.map((p) => `'${p}'`).join(', ')})`;
    const body = (statements: readonly string[]) =>
      statements.length === 0 ? '    pass' : statements.map((sql) => `    op.execute(${JSON.stringify(sql)})`).join('\n');
    writeFileSync(
      path.join(dir, 'versions', `${rev.id}.py`),
      `"""${rev.message ?? rev.id}"""\nfrom alembic import op\n\nrevision = '${rev.id}'\ndown_revision = ${down}\n` +
        `branch_labels = ${pythonTuple(rev.branchLabels)}\ndepends_on = ${pythonTuple(rev.dependsOn)}\n\ndef upgrade():\n${body(rev.up)}\n\ndef downgrade():\n${body(rev.down)}\n`,
    );
  }
}

/** Writes the same revisions as cgmigrate migrations in `<dir>/versions`. */
export function writeCgmigrateProject(dir: string, revisions: readonly TwinRevision[]): void {
  mkdirSync(path.join(dir, 'versions'), { recursive: true });
  for (const rev of revisions) {
    const down = rev.parents.length === 0 ? 'null' : JSON.stringify(rev.parents.length === 1 ? rev.parents[0] : rev.parents);
    const body = (statements: readonly string[]) => statements.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join(' ');
    writeFileSync(
      path.join(dir, 'versions', `${rev.id}.mjs`),
      `export default { revision: '${rev.id}', downRevision: ${down}, message: ${JSON.stringify(rev.message ?? rev.id)},\n` +
        `  branchLabels: ${JSON.stringify(rev.branchLabels ?? [])}, dependsOn: ${JSON.stringify(rev.dependsOn ?? [])},\n` +
        `  async up(op) { ${body(rev.up)} },\n  async down(op) { ${body(rev.down)} } };\n`,
    );
  }
}

/** Runs `alembic <args…>` for the project in `dir` and returns its standard output. */
export function runAlembic(dir: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-m', 'alembic', '-c', path.join(dir, 'alembic.ini'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** What one Alembic command of {@link runAlembicSession} did. */
export interface AlembicCommandResult {
  /** The command line after `alembic -c <ini>`. */
  readonly args: readonly string[];
  /** As the `alembic` executable exits: 0, 255 for a `FAILED:` error, 1 for a crash. */
  readonly status: number;
  readonly stdout: string;
  /** Log lines (`Running upgrade a -> b, …`) and warnings. */
  readonly stderr: string;
  /** For a crash (an exception other than Alembic's `CommandError`): `<ExceptionType>: <message>`. */
  readonly crash: string | undefined;
  /** The version table's rows after the command, sorted; empty when there is no table. */
  readonly rows: readonly string[];
}

/**
 * Runs Alembic commands one after another in one Python process (a second each would
 * dominate a differential test), as the `alembic` executable would: `CommandError` is
 * printed as `FAILED: …` on stdout with status 255, any other exception is a crash with status 1.
 * Warnings are shown every time, not once per process.
 *
 * Alembic lists the versions folder in the file system's order (`os.listdir`) and
 * breaks ties between unrelated revisions by that order; cgmigrate sorts file names. The
 * session lists them sorted, so both tools see the same input order and any difference
 * left is one of algorithm.
 */
export function runAlembicSession(dir: string, commands: readonly (readonly string[])[], dbFile: string): AlembicCommandResult[] {
  const output = execFileSync(PYTHON, ['-c', SESSION_PY, path.join(dir, 'alembic.ini'), dbFile, JSON.stringify(commands)], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as AlembicCommandResult[];
}

const SESSION_PY = `
import contextlib, io, json, os, sqlite3, sys, traceback, warnings
import alembic.script.base as script_base
from alembic.config import CommandLine, Config

_list = script_base.Script._list_py_dir.__func__
script_base.Script._list_py_dir = classmethod(lambda cls, scriptdir, path: sorted(_list(cls, scriptdir, path)))
warnings.simplefilter("always")
warnings.formatwarning = lambda message, category, *args, **kwargs: "%s: %s\\n" % (category.__name__, message)

ini, db_file, commands = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
real_stdout = sys.stdout

def rows():
    if not os.path.exists(db_file):
        return []
    db = sqlite3.connect(db_file)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone():
            return []
        return sorted(r[0] for r in db.execute("SELECT version_num FROM alembic_version"))
    finally:
        db.close()

results = []
for args in commands:
    out, err = io.StringIO(), io.StringIO()
    status, crash = 0, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            # Config's stdout defaults to the sys.stdout of import time: pass the capture.
            cli = CommandLine()
            options = cli.parser.parse_args(["-c", ini] + args)
            cli.run_cmd(Config(file_=options.config, ini_section=options.name, cmd_opts=options, stdout=out), options)
        except SystemExit as e:
            status = (e.code if isinstance(e.code, int) else 1) & 0xFF
        except BaseException as e:
            status, crash = 1, "%s: %s" % (type(e).__name__, e)
    results.append({"args": args, "status": status, "stdout": out.getvalue(), "stderr": err.getvalue(), "crash": crash, "rows": rows()})
real_stdout.write(json.dumps(results))
`;

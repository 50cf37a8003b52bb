import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, fileDigest, fillMigration, migrationFiles, MODES, tables, tempProject, versionRows, type ErrorJson } from './cli.js';

describe('failing commands, in human and --json modes', () => {
  const project = tempProject();
  const cwd = project.dir;
  const db = path.join(cwd, 'cloudguard.db');
  const versions = path.join(cwd, 'migrations', 'versions');
  let first = '';

  beforeAll(async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
    const one = await cgmigrate(['revision', '-m', 'Create users'], { cwd });
    fillMigration(one.stdout.trim(), 'users');
    const two = await cgmigrate(['revision', '-m', 'Create scans', '--json'], { cwd });
    const created = two.json<{ path: string; revision: { downRevisions: string[] } }>();
    fillMigration(created.path, 'scans');
    first = created.revision.downRevisions[0]!;
    // At the first revision with one pending, so a wrong command that ran anything would show.
    const upgrade = await cgmigrate(['upgrade', first], { cwd });
    expect(upgrade.code, upgrade.stderr).toBe(0);
  });
  afterAll(() => project.cleanup());

  describe.each(MODES)('%s mode', (mode) => {
    it('an unknown target names it, hints at history, exits 2 and changes nothing', async () => {
      const before = { rows: versionRows(db), tables: tables(db) };
      const { message, hint } = await fails(mode, ['upgrade', 'x'], cwd, { code: 'REVISION_NOT_FOUND', exit: 2 });
      expect(message).toBe("Can't locate revision identified by 'x'");
      expect(hint).toContain('cgmigrate history');
      expect({ rows: versionRows(db), tables: tables(db) }).toEqual(before);
    });

    it('an unknown downgrade target changes nothing', async () => {
      const before = versionRows(db);
      await fails(mode, ['downgrade', 'nosuchrev'], cwd, { code: 'REVISION_NOT_FOUND', exit: 2 });
      expect(versionRows(db)).toEqual(before);
    });

    it('a downgrade below base is refused before any change', async () => {
      const before = { rows: versionRows(db), tables: tables(db) };
      const { hint } = await fails(mode, ['downgrade', '-5'], cwd, { code: 'INVALID_TARGET', exit: 2 });
      expect(hint).toContain('-N');
      expect({ rows: versionRows(db), tables: tables(db) }).toEqual(before);
    });

    it('a missing downgrade target is a usage error', async () => {
      const { text } = await fails(mode, ['downgrade'], cwd, { code: 'INVALID_ARGUMENTS', exit: 2 });
      expect(text).toMatch(/target/i);
    });

    it('an empty or missing -m writes no file', async () => {
      const before = migrationFiles(versions);
      const empty = await fails(mode, ['revision', '-m', ''], cwd, { code: 'INVALID_MESSAGE', exit: 2 });
      expect(empty.hint).toContain('-m "');
      await fails(mode, ['revision', '-m', '   '], cwd, { code: 'INVALID_MESSAGE', exit: 2 });
      await fails(mode, ['revision'], cwd, { code: 'INVALID_MESSAGE', exit: 2 });
      expect(migrationFiles(versions)).toEqual(before);
    });

    it('a missing script location points at init, before touching the database', async () => {
      const empty = tempProject();
      try {
        const { hint } = await fails(mode, ['upgrade', 'head'], empty.dir, { code: 'SCRIPT_LOCATION_NOT_FOUND', exit: 2 });
        expect(hint).toContain('cgmigrate init');
        expect(fileDigest(path.join(empty.dir, 'cloudguard.db'))).toBeUndefined();
        await fails(mode, ['history'], empty.dir, { code: 'SCRIPT_LOCATION_NOT_FOUND', exit: 2 });
      } finally {
        empty.cleanup();
      }
    });

    it('a malformed migration file is named', async () => {
      const broken = tempProject();
      try {
        expect((await cgmigrate(['init'], { cwd: broken.dir })).code).toBe(0);
        const file = path.join(broken.dir, 'migrations', 'versions', '20250101_bad_broken.ts');
        writeFileSync(file, 'export default { message: "no revision and no up" };\n');
        const { message } = await fails(mode, ['upgrade', 'head'], broken.dir, { code: 'MALFORMED_MIGRATION', exit: 2 });
        expect(message).toContain(file);

        writeFileSync(file, 'export default {\n');
        const syntax = await fails(mode, ['history'], broken.dir, { code: 'MALFORMED_MIGRATION', exit: 2 });
        expect(syntax.message).toContain(file);
      } finally {
        broken.cleanup();
      }
    });

    it('a URL without a scheme is refused with the URL forms', async () => {
      const { hint } = await fails(mode, ['current', '--url', 'cloudguard.db'], cwd, { code: 'INVALID_URL', exit: 2 });
      expect(hint).toContain('sqlite:////absolute/path.db');
    });

    it('a URL scheme without an adapter is refused', async () => {
      const { hint } = await fails(mode, ['current', '--url', 'oracle://db/x'], cwd, { code: 'ADAPTER_NOT_FOUND', exit: 2 });
      expect(hint).toContain('sqlite');
    });

    it('an unknown config file is refused', async () => {
      await fails(mode, ['current', '-c', 'nope.config.ts'], cwd, { code: 'CONFIG_NOT_FOUND', exit: 2 });
    });
  });

  describe('a password in the URL never appears', () => {
    const url = 'postgresql://u:s3cret@127.0.0.1:1/x';
    const cases: [string, string[], Record<string, string> | undefined][] = [
      ['--url, human', ['upgrade', 'head', '--url', url], undefined],
      ['--url, --json', ['upgrade', 'head', '--url', url, '--json'], undefined],
      ['--url=, --verbose', ['current', `--url=${url}`, '--verbose'], undefined],
      ['--url, --json --verbose', ['history', '-i', '--url', url, '--json', '--verbose'], undefined],
      ['DATABASE_URL, human', ['upgrade', 'head', '-v'], { DATABASE_URL: url }],
      ['DATABASE_URL, --json', ['current', '--json'], { DATABASE_URL: url }],
      ['with a usage error', ['upgrade', 'head', 'extra', '--url', url], undefined],
      ['with a usage error, --json', ['upgrade', 'head', 'extra', '--url', url, '--json'], undefined],
    ];

    it.each(cases)('%s', async (_name, args, env) => {
      const run = await cgmigrate(args, { cwd, ...(env ? { env } : {}) });
      expect(run.code).not.toBe(0);
      expect(run.stdout + run.stderr).not.toContain('s3cret');
      if (args.includes('--json')) {
        const { error } = run.json<ErrorJson>();
        expect(error.exitCode).toBe(run.code);
      } else {
        expect(run.stderr).toMatch(/^Error \[[A-Z_]+\]: /m);
      }
    });
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, fillMigrationSql, migrationFiles, MODES, setVersionRows, tables, tempProject, versionRows, type RunResult } from './cli.js';

/** A revision as `--json` prints it. */
interface Summary {
  id: string;
  downRevisions: string[];
  nextRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  message: string;
  path: string;
  isHead: boolean;
  isBranchPoint: boolean;
  isMergePoint: boolean;
}

interface MigrateJson {
  from: string[];
  to: string[];
  steps: { direction: string; revision: string; from: string[]; to: string[] }[];
}

const sortedLines = (text: string): string[] => text.split('\n').filter(Boolean).sort();

/**
 * Alembic's "Working with Branches" tutorial, step by step, through the built bin on a
 * fresh SQLite file, with Alembic's revision ids. The project's package.json has no
 * `"type"`, as in many services: Node's MODULE_TYPELESS_PACKAGE_JSON warning about the
 * config and migration files must never reach the user.
 */
describe("Alembic's branching tutorial (SQLite)", () => {
  const project = tempProject();
  const cwd = project.dir;
  const db = path.join(cwd, 'cloudguard.db');
  const versions = path.join(cwd, 'migrations', 'versions');
  let merge = '';
  let mergePath = '';
  let join = '';

  /** Runs a command that must succeed, without Node's typeless-package warning. */
  async function ok(args: string[]): Promise<RunResult> {
    const run = await cgmigrate(args, { cwd });
    expect(run.code, `${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).not.toContain('MODULE_TYPELESS_PACKAGE_JSON');
    return run;
  }

  /** Creates a revision, fills in its SQL and returns its path. */
  async function revision(args: string[], up: string, down: string): Promise<string> {
    const file = (await ok(['revision', ...args])).stdout.trim();
    fillMigrationSql(file, up, down);
    return file;
  }

  beforeAll(async () => {
    writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ name: 'shop', private: true }));
    await ok(['init']);
  });
  afterAll(() => project.cleanup());

  describe('two branches from one revision', () => {
    it('creates the account line, then splices a shopping-cart branch off 1975ea83b712', async () => {
      await revision(
        ['-m', 'create account table', '--rev-id', '1975ea83b712'],
        'CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
        'DROP TABLE account',
      );
      await revision(
        ['-m', 'add a column', '--rev-id', 'ae1027a6acf'],
        'ALTER TABLE account ADD COLUMN last_transaction_date TEXT',
        'ALTER TABLE account DROP COLUMN last_transaction_date',
      );
      const cart = await revision(
        ['-m', 'add shopping cart table', '--head', '1975ea83b712', '--splice', '--rev-id', '27c6a30d7c24'],
        'CREATE TABLE shoppingcart (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL)',
        'DROP TABLE shoppingcart',
      );
      expect(readFileSync(cart, 'utf8')).toContain("downRevision: '1975ea83b712'");
    });

    it('heads shows both heads', async () => {
      expect((await ok(['heads'])).stdout).toBe('27c6a30d7c24 (head)\nae1027a6acf (head)\n');

      const json = (await ok(['heads', '--json'])).json<{ revisions: Summary[] }>();
      expect(json.revisions.map((rev) => rev.id).sort()).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
      for (const rev of json.revisions) expect(rev).toMatchObject({ isHead: true, downRevisions: ['1975ea83b712'] });

      const column = json.revisions.find((rev) => rev.id === 'ae1027a6acf')!;
      const verbose = await ok(['heads', '--verbose']);
      expect(verbose.stdout).toContain(`Rev: ae1027a6acf (head)\nParent: 1975ea83b712\nPath: ${column.path}\n\n    add a column\n`);
      expect(verbose.stdout.match(/^Rev: /gm)).toHaveLength(2);
    });

    it.each(MODES)('upgrade head refuses the two heads with the hint, changing nothing (%s)', async (mode) => {
      const before = { rows: versionRows(db), tables: tables(db) };
      const { message, hint } = await fails(mode, ['upgrade', 'head'], cwd, { code: 'MULTIPLE_HEADS', exit: 2 });
      expect(message).toContain('Multiple head revisions are present');
      expect(message).toContain('27c6a30d7c24');
      expect(hint).toContain('`cgmigrate upgrade heads`');
      expect(hint).toContain('`<branch>@head`');
      expect(hint).toContain('`cgmigrate merge heads -m "');
      expect({ rows: versionRows(db), tables: tables(db) }).toEqual(before);
    });

    it('upgrade heads applies both branches', async () => {
      const run = await ok(['upgrade', 'heads']);
      expect(run.stderr).toContain('Running upgrade  -> 1975ea83b712, create account table');
      expect(run.stderr).toContain('Running upgrade 1975ea83b712 -> ae1027a6acf, add a column');
      expect(run.stderr).toContain('Running upgrade 1975ea83b712 -> 27c6a30d7c24, add shopping cart table');
      expect(versionRows(db)).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
      expect(tables(db)).toEqual(['account', 'alembic_version', 'cgmigrate_audit', 'shoppingcart']);
    });

    it('current shows both, each (head)', async () => {
      expect(sortedLines((await ok(['current'])).stdout)).toEqual(['27c6a30d7c24 (head)', 'ae1027a6acf (head)']);
    });

    it('branches shows the branch point and an arrow per branch', async () => {
      const run = await ok(['branches']);
      const [header, ...rest] = run.stdout.split('\n');
      expect(header).toBe('1975ea83b712 (branchpoint)');
      expect(rest.slice(0, 2).sort()).toEqual(['             -> 27c6a30d7c24 (head)', '             -> ae1027a6acf (head)']);
      expect(rest.slice(2)).toEqual(['', '']);

      const json = (await ok(['branches', '--json'])).json<{ revisions: Summary[] }>();
      expect(json.revisions).toHaveLength(1);
      expect(json.revisions[0]).toMatchObject({ id: '1975ea83b712', isBranchPoint: true, downRevisions: [] });
      expect([...json.revisions[0]!.nextRevisions].sort()).toEqual(['27c6a30d7c24', 'ae1027a6acf']);

      const verbose = await ok(['branches', '--verbose']);
      expect(verbose.stdout).toMatch(/^Rev: 1975ea83b712 \(branchpoint\)\nParent: <base>\nBranches into: \S+, \S+\nPath: /);
      expect(verbose.stdout).toContain('\n    create account table\n\n');
      expect(verbose.stdout).toContain('             -> ae1027a6acf (head), add a column\n');
    });
  });

  describe('merging them', () => {
    it('merge heads writes a revision with both parents', async () => {
      const run = await ok(['merge', 'heads', '-m', 'merge']);
      mergePath = run.stdout.trim();
      expect(path.dirname(mergePath)).toBe(versions);
      expect(run.stderr).toContain(`Generating ${mergePath} ... done`);
      expect(readFileSync(mergePath, 'utf8')).toContain("downRevision: ['ae1027a6acf', '27c6a30d7c24']");

      const heads = (await ok(['heads', '--json'])).json<{ revisions: Summary[] }>();
      expect(heads.revisions).toHaveLength(1);
      merge = heads.revisions[0]!.id;
      expect(heads.revisions[0]).toMatchObject({ isMergePoint: true, downRevisions: ['ae1027a6acf', '27c6a30d7c24'] });
      expect((await ok(['heads'])).stdout).toBe(`${merge} (head)\n`);
      expect(versionRows(db)).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
    });

    it('upgrade head runs the merge: one row again', async () => {
      const run = await ok(['upgrade', 'head']);
      expect(run.stderr).toContain(`Running upgrade ae1027a6acf, 27c6a30d7c24 -> ${merge}, merge`);
      expect(versionRows(db)).toEqual([merge]);
      expect((await ok(['current'])).stdout).toBe(`${merge} (head) (mergepoint)\n`);
    });

    it("history marks the merge point and the branch point in Alembic's format", async () => {
      expect((await ok(['history'])).stdout).toBe(
        `ae1027a6acf, 27c6a30d7c24 -> ${merge} (head) (mergepoint), merge\n` +
          '1975ea83b712 -> ae1027a6acf, add a column\n' +
          '1975ea83b712 -> 27c6a30d7c24, add shopping cart table\n' +
          '<base> -> 1975ea83b712 (branchpoint), create account table\n',
      );
      const verbose = await ok(['history', '--verbose']);
      expect(verbose.stdout).toContain(
        `Rev: ${merge} (head) (mergepoint)\nMerges: ae1027a6acf, 27c6a30d7c24\nPath: ${mergePath}\nApplied: `,
      );
      expect(verbose.stdout).toMatch(/\nApplied: \d{4}-[\d-]+T[\d:.]+Z by .+\n\n {4}merge\n\n/);
      expect(verbose.stdout).toContain('Rev: 1975ea83b712 (branchpoint)\nParent: <base>\nBranches into: ');
      expect(verbose.stdout.match(/^Rev: /gm)).toHaveLength(4);
    });

    it('history -r takes ranges, with no `--` before -N', async () => {
      expect((await ok(['history', '-r', 'base:head'])).stdout.split('\n').filter(Boolean)).toHaveLength(4);
      expect((await ok(['history', '-r', 'current:'])).stdout).toBe(
        `ae1027a6acf, 27c6a30d7c24 -> ${merge} (head) (mergepoint), merge\n`,
      );
      expect((await ok(['history', '-r', 'ae1027a6acf:'])).stdout).toBe(
        `ae1027a6acf, 27c6a30d7c24 -> ${merge} (head) (mergepoint), merge\n1975ea83b712 -> ae1027a6acf, add a column\n`,
      );
      expect((await ok(['history', '-r', '-1:ae1027a6acf'])).stdout).toBe(
        '1975ea83b712 -> ae1027a6acf, add a column\n<base> -> 1975ea83b712 (branchpoint), create account table\n',
      );
      expect((await ok(['history', '-r', '-2:ae1027a6acf', '--json'])).json<{ revisions: Summary[] }>().revisions).toHaveLength(2);
    });

    it('history -r -1: from a merge point counts through it: the merge and both parents (issue 20)', async () => {
      expect((await ok(['history', '-r', '-1:'])).stdout).toBe(
        `ae1027a6acf, 27c6a30d7c24 -> ${merge} (head) (mergepoint), merge\n` +
          '1975ea83b712 -> ae1027a6acf, add a column\n' +
          '1975ea83b712 -> 27c6a30d7c24, add shopping cart table\n',
      );
    });

    it.each(MODES)('history -r 1975ea83b712+1: at the branch point names a range per branch (%s)', async (mode) => {
      const { message, hint } = await fails(mode, ['history', '-r', '1975ea83b712+1:'], cwd, { code: 'AMBIGUOUS_STEP', exit: 2 });
      expect(message).toBe("Relative step '1975ea83b712+1:' is ambiguous: from 1975ea83b712 it could go up to 27c6a30d7c24 or ae1027a6acf");
      expect(hint).toContain('`cgmigrate history -r ae1027a6acf:` (through ae1027a6acf)');
      expect(hint).toContain('`cgmigrate history -r 27c6a30d7c24:` (through 27c6a30d7c24)');
    });

    it('show prints the full entry of what a name stands for', async () => {
      const entry = `Rev: ${merge} (head) (mergepoint)\nMerges: ae1027a6acf, 27c6a30d7c24\nPath: ${mergePath}\n\n    merge\n\n`;
      expect((await ok(['show', merge.slice(0, 6)])).stdout).toBe(entry);
      expect((await ok(['show', 'head'])).stdout).toBe(entry);
      expect((await ok(['show', 'current'])).stdout).toBe(entry);
      expect((await ok(['show', '1975ea83b712'])).stdout).toMatch(
        /^Rev: 1975ea83b712 \(branchpoint\)\nParent: <base>\nBranches into: (ae1027a6acf, 27c6a30d7c24|27c6a30d7c24, ae1027a6acf)\nPath: /,
      );

      const json = (await ok(['show', 'ae10', '--json'])).json<{ revisions: Summary[] }>();
      expect(json.revisions).toHaveLength(1);
      expect(json.revisions[0]).toMatchObject({
        id: 'ae1027a6acf',
        downRevisions: ['1975ea83b712'],
        nextRevisions: [merge],
        message: 'add a column',
        isHead: false,
      });
    });

    it.each(MODES)('show of an unknown revision points at history (%s)', async (mode) => {
      const { message, hint } = await fails(mode, ['show', 'nosuchrev'], cwd, { code: 'REVISION_NOT_FOUND', exit: 2 });
      expect(message).toBe("Can't locate revision identified by 'nosuchrev'");
      expect(hint).toContain('`cgmigrate history`');
    });

    it.each(MODES)('merge with a single head, or without a message, writes nothing (%s)', async (mode) => {
      const before = migrationFiles(versions);
      const single = await fails(mode, ['merge', 'heads', '-m', 'again'], cwd, { code: 'INVALID_TARGET', exit: 2 });
      expect(single.hint).toContain('two or more');
      await fails(mode, ['merge', 'ae1027a6acf', '27c6a30d7c24'], cwd, { code: 'INVALID_MESSAGE', exit: 2 });
      await fails(mode, ['merge', 'heads', '-m', 'x', '--branch-lable', 'y'], cwd, { code: 'INVALID_ARGUMENTS', exit: 2 });
      expect(migrationFiles(versions)).toEqual(before);
    });

    it('downgrade ae1027a6acf unmerges: two rows again', async () => {
      const run = await ok(['downgrade', 'ae1027a6acf']);
      expect(run.stderr).toContain(`Running downgrade ${merge} -> ae1027a6acf, 27c6a30d7c24, merge`);
      expect(versionRows(db)).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
      expect(sortedLines((await ok(['current'])).stdout)).toEqual(['27c6a30d7c24', 'ae1027a6acf']);
      await ok(['upgrade', 'head']);
      expect(versionRows(db)).toEqual([merge]);
    });
  });

  describe('independent, labelled branches', () => {
    it('revision --head base --branch-label networking starts a second root', async () => {
      const file = await revision(
        ['-m', 'networking base', '--head', 'base', '--branch-label', 'networking', '--rev-id', '3782d9986ced'],
        'CREATE TABLE ip_address (id INTEGER PRIMARY KEY, address TEXT NOT NULL)',
        'DROP TABLE ip_address',
      );
      expect(readFileSync(file, 'utf8')).toContain("branchLabels: 'networking'");
      expect(sortedLines((await ok(['heads'])).stdout)).toEqual([`3782d9986ced (networking) (head)`, `${merge} (head)`].sort());
    });

    it.each(MODES)('a revision outside the named branch is refused (%s)', async (mode) => {
      const { message, hint } = await fails(mode, ['show', 'networking@27c6a30d7c24'], cwd, {
        code: 'REVISION_NOT_IN_BRANCH',
        exit: 2,
      });
      expect(message).toBe("Revision 27c6a30d7c24 is not a member of branch 'networking'");
      expect(hint).toContain('`cgmigrate show networking@head`');
    });

    it('upgrade networking@head upgrades that branch only', async () => {
      const run = await ok(['upgrade', 'networking@head']);
      expect(run.stderr).toBe('Running upgrade  -> 3782d9986ced, networking base\n');
      expect(versionRows(db)).toEqual(['3782d9986ced', merge].sort());
      expect(tables(db)).toContain('ip_address');
      // Like Alembic, `current` shows no branch labels.
      expect(sortedLines((await ok(['current'])).stdout)).toEqual([`3782d9986ced (head)`, `${merge} (head) (mergepoint)`].sort());
    });

    it('--depends-on ties the networking branch to a revision of the other branch', async () => {
      const file = await revision(
        ['-m', 'add ip account table', '--head', 'networking@head', '--depends-on', 'ae1027a6acf', '--rev-id', '2a95102259be'],
        'CREATE TABLE ip_account (ip_id INTEGER NOT NULL, account_id INTEGER NOT NULL)',
        'DROP TABLE ip_account',
      );
      expect(readFileSync(file, 'utf8')).toContain("dependsOn: 'ae1027a6acf'");
      expect((await ok(['history', '-r', 'networking@base:networking@head'])).stdout).toContain(
        '3782d9986ced (ae1027a6acf) -> 2a95102259be',
      );
      expect((await ok(['show', '2a95102259be'])).stdout).toMatch(
        /^Rev: 2a95102259be \(head\)\nParent: 3782d9986ced\nAlso depends on: ae1027a6acf\n/,
      );

      // On an empty database, the branch brings its dependency along, but not the shopping cart.
      const fresh = await cgmigrate(['upgrade', 'networking@head', '--url', 'sqlite:///fresh.db'], { cwd });
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(fresh.stderr.split('\n').filter(Boolean)).toEqual([
        'Running upgrade  -> 1975ea83b712, create account table',
        'Running upgrade 1975ea83b712 -> ae1027a6acf, add a column',
        'Running upgrade  -> 3782d9986ced, networking base',
        'Running upgrade 3782d9986ced -> 2a95102259be, add ip account table',
      ]);
      expect(tables(path.join(cwd, 'fresh.db'))).not.toContain('shoppingcart');
      expect(versionRows(path.join(cwd, 'fresh.db'))).toContain('2a95102259be');
    });

    // As in Alembic 1.8.1 (checked with its `current`; compared step by step in adapter-sqlite's
    // alembic-interop test): one row for both lines, while `current` also lists the dependency,
    // without a head mark since the merge follows it.
    it('keeps one row, and current lists the dependency too, as Alembic does', async () => {
      expect(versionRows(path.join(cwd, 'fresh.db'))).toEqual(['2a95102259be']);
      const run = await ok(['current', '--url', 'sqlite:///fresh.db']);
      expect(sortedLines(run.stdout)).toEqual(['2a95102259be (head)', 'ae1027a6acf']);
      const json = (await ok(['current', '--url', 'sqlite:///fresh.db', '--json'])).json<{ rows: string[]; effectiveHeads: string[] }>();
      expect(json).toMatchObject({ rows: ['2a95102259be'], effectiveHeads: [] });
    });

    // Alembic propagates a branch label to the revisions above it: `2a95102259be (networking) (head)`.
    it('heads shows the label networking@head inherits, as Alembic does', async () => {
      expect((await ok(['heads'])).stdout).toContain('2a95102259be (networking) (head)\n');
    });

    it('merge heads --json joins the networking branch into the main line', async () => {
      const run = await ok(['merge', 'heads', '-m', 'join networking', '--rev-id', 'f00dfeed0001', '--json']);
      const result = run.json<{ path: string; revision: Summary }>();
      join = result.revision.id;
      expect(join).toBe('f00dfeed0001');
      expect(run.stderr).toContain(`Generating ${result.path} ... done`);
      expect(result.revision).toMatchObject({ isHead: true, isMergePoint: true, message: 'join networking' });
      expect([...result.revision.downRevisions].sort()).toEqual(['2a95102259be', merge].sort());

      const upgrade = await ok(['upgrade', 'head', '--json']);
      expect(upgrade.json<MigrateJson>()).toMatchObject({ to: [join] });
      expect(versionRows(db)).toEqual([join]);
      expect(tables(db)).toEqual(['account', 'alembic_version', 'cgmigrate_audit', 'ip_account', 'ip_address', 'shoppingcart']);
    });
  });

  describe('stamp: "Can\'t locate revision identified by…" (the seed README\'s troubleshooting)', () => {
    let schema: string[] = [];

    beforeAll(() => {
      schema = tables(db);
      // The database was migrated from a branch whose migration this checkout does not have.
      setVersionRows(db, ['deadbeef1234']);
    });

    it.each(MODES)('current fails with the message and the hint (%s)', async (mode) => {
      const { message, hint } = await fails(mode, ['current'], cwd, { code: 'REVISION_NOT_FOUND', exit: 2 });
      expect(message).toBe("Can't locate revision identified by 'deadbeef1234'");
      expect(hint).toContain('Check out the branch that has that migration');
      expect(hint).toContain('`cgmigrate stamp head --purge`');
    });

    it.each(MODES)('stamp head without --purge refuses too, and says to add it (%s)', async (mode) => {
      const { hint } = await fails(mode, ['stamp', 'head'], cwd, { code: 'REVISION_NOT_FOUND', exit: 2 });
      expect(hint).toContain('Add --purge');
      expect(versionRows(db)).toEqual(['deadbeef1234']);
    });

    it('stamp head --purge repairs it without running a migration', async () => {
      const run = await ok(['stamp', 'head', '--purge']);
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([
        'Running stamp_revision deadbeef1234 -> ',
        `Running stamp_revision  -> ${join}`,
      ]);
      expect(versionRows(db)).toEqual([join]);
      expect(tables(db)).toEqual(schema);
      expect((await ok(['current'])).stdout).toBe(`${join} (head) (mergepoint)\n`);
    });

    it('stamp <rev> --purge --json records a given revision', async () => {
      setVersionRows(db, ['deadbeef1234']);
      const result = (await ok(['stamp', '27c6a30d7c24', '--purge', '--json'])).json<MigrateJson>();
      expect(result.from).toEqual(['deadbeef1234']);
      expect(result.to).toEqual(['27c6a30d7c24']);
      expect(result.steps.map(({ direction, revision }) => ({ direction, revision }))).toEqual([
        { direction: 'stamp', revision: 'deadbeef1234' },
        { direction: 'stamp', revision: '27c6a30d7c24' },
      ]);
      expect(versionRows(db)).toEqual(['27c6a30d7c24']);
      expect(tables(db)).toEqual(schema);
    });

    it('stamp moves the rows along the graph, and base empties them', async () => {
      expect((await ok(['stamp', 'head'])).stderr).toBe(`Running stamp_revision 27c6a30d7c24 -> ${join}\n`);
      expect(versionRows(db)).toEqual([join]);

      expect((await ok(['stamp', 'base'])).stderr).toBe(`Running stamp_revision ${join} -> \n`);
      expect(versionRows(db)).toEqual([]);

      const both = (await ok(['stamp', 'ae1027a6acf', '3782d9986ced', '--json'])).json<MigrateJson>();
      expect([...both.to].sort()).toEqual(['3782d9986ced', 'ae1027a6acf']);
      expect(versionRows(db)).toEqual(['3782d9986ced', 'ae1027a6acf']);

      expect((await ok(['stamp', 'heads'])).stderr).toContain(`-> ${join}`);
      expect(versionRows(db)).toEqual([join]);
      expect((await ok(['stamp', 'heads'])).stderr).toBe(`Nothing to do: the database is already at ${join}.\n`);
      expect(tables(db)).toEqual(schema);
    });

    it.each(MODES)('stamp refuses a missing revision, an unknown flag, +N without a revision and -N through a merge (%s)', async (mode) => {
      await fails(mode, ['stamp'], cwd, { code: 'INVALID_ARGUMENTS', exit: 2 });
      const flag = await fails(mode, ['stamp', 'head', '--prge'], cwd, { code: 'INVALID_ARGUMENTS', exit: 2 });
      expect(flag.message).toContain('--prge');
      // Relative stamps count as Alembic's do (issue 17): -1 is one below each head, and the head here is a merge.
      const up = await fails(mode, ['stamp', '+1'], cwd, { code: 'INVALID_TARGET', exit: 2 });
      expect(up.message).toContain('stamp counts up from a revision');
      const step = await fails(mode, ['stamp', '-1'], cwd, { code: 'AMBIGUOUS_STEP', exit: 2 });
      expect(step.message).toContain(`from ${join} it could go down to`);
      expect(step.hint).toMatch(/`cgmigrate stamp \S+` \(through \S+\) or `cgmigrate stamp \S+` \(through \S+\)/);
      expect(versionRows(db)).toEqual([join]);
    });
  });
});

describe('heads with dependencies', () => {
  const project = tempProject();
  const cwd = project.dir;
  afterAll(() => project.cleanup());

  it('marks a head another branch depends on as (effective head), and --resolve-dependencies leaves it out', async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
    expect((await cgmigrate(['revision', '-m', 'accounts', '--rev-id', 'aaa111'], { cwd })).code).toBe(0);
    const labelled = ['revision', '-m', 'audit', '--head', 'base', '--branch-label', 'audit', '--depends-on', 'aaa111', '--rev-id', 'bbb222'];
    expect((await cgmigrate(labelled, { cwd })).code).toBe(0);

    // In the scripts' order, as Alembic lists them (issue 17).
    expect((await cgmigrate(['heads'], { cwd })).stdout).toBe('aaa111 (effective head)\nbbb222 (audit) (head)\n');
    expect((await cgmigrate(['heads', '--resolve-dependencies'], { cwd })).stdout).toBe('bbb222 (audit) (head)\n');
    const json = (await cgmigrate(['heads', '--resolve-dependencies', '--json'], { cwd })).json<{ revisions: Summary[] }>();
    expect(json.revisions.map((rev) => rev.id)).toEqual(['bbb222']);
    expect(json.revisions[0]).toMatchObject({ dependsOn: ['aaa111'], branchLabels: ['audit'] });
  });

  it('prints nothing for branches when there are no branch points', async () => {
    const run = await cgmigrate(['branches'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect((await cgmigrate(['branches', '--json'], { cwd })).json()).toEqual({ revisions: [] });
  });
});

describe('branch labels that clash', () => {
  const project = tempProject();
  const cwd = project.dir;
  const versions = path.join(cwd, 'migrations', 'versions');
  let labelled = '';

  beforeAll(async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
    const run = await cgmigrate(['revision', '-m', 'shop', '--branch-label', 'shop', '--rev-id', 'aaa111'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    labelled = run.stdout.trim();
  });
  afterAll(() => project.cleanup());

  it.each(MODES)('two files with one label fail every command, naming both (%s)', async (mode) => {
    const copy = path.join(versions, '20250101_bbb222_copy.ts');
    writeFileSync(copy, readFileSync(labelled, 'utf8').replace("revision: 'aaa111'", "revision: 'bbb222'"));
    try {
      const { message, hint } = await fails(mode, ['heads'], cwd, { code: 'DUPLICATE_BRANCH_LABEL', exit: 2 });
      expect(message).toContain("Branch name 'shop'");
      expect(hint).toMatch(/Rename 'shop' in the migration file of revision (aaa111 or bbb222|bbb222 or aaa111)/);
      expect(hint).toContain('unique');
    } finally {
      rmSync(copy);
    }
  });

  // Alembic 1.8 writes the file and then fails; cgmigrate checks the graph first and writes nothing.
  it('revision refuses a --branch-label that is taken, before writing a file', async () => {
    const before = migrationFiles(versions);
    const run = await cgmigrate(['revision', '-m', 'again', '--head', 'base', '--branch-label', 'shop', '--rev-id', 'ccc333'], { cwd });
    const written = migrationFiles(versions).filter((name) => !before.includes(name));
    for (const name of written) rmSync(path.join(versions, name));
    expect(run.code).toBe(2);
    expect(written).toEqual([]);
  });
});

// @module-tag alembic
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertAlembicInstalled } from '../../../../tools/alembic/alembic-project.js';
import { comparable, rev, TwinProjects } from './alembic-twin.js';

/**
 * The graphs of issue 17, each run through Debian's Alembic 1.8.1 and the built
 * cgmigrate on twin SQLite files: exit status, stdout, the migrations run (in order)
 * and the version rows must match, except where docs/alembic-compatibility.md says
 * cgmigrate differs on purpose (those tests say what each tool does).
 */
describe('Alembic 1.8.1 fidelity (issue 17)', () => {
  let twin: TwinProjects | undefined;
  const projects = (...revisions: Parameters<typeof rev>[]): TwinProjects => {
    twin = new TwinProjects(revisions.map((args) => rev(...args)));
    return twin;
  };
  beforeAll(() => assertAlembicInstalled());
  afterEach(() => twin?.cleanup());

  it('prints (effective head) for a head another revision depends on, in history, history -r, history -i and branches', async () => {
    // The graph `a←base, b←base deps=a`, with a branch point below a for `branches`.
    const twin = projects(['p'], ['a', ['p']], ['x', ['p']], ['b', [], { dependsOn: ['a'] }]);
    const commands = [['upgrade', 'heads'], ['history'], ['history', '-r', 'p:a'], ['history', '-r', 'base:b'], ['history', '-i'], ['branches'], ['heads'], ['current']];
    const { alembic, cgmigrate } = await twin.both(commands);
    expect(cgmigrate.map(comparable)).toEqual(alembic.map(comparable));
    expect(cgmigrate[1]!.stdout).toContain('p -> a (effective head), a\n');
    expect(cgmigrate[4]!.stdout).toContain('p -> a (effective head), a\n');
    expect(comparable(cgmigrate[5]!).stdout).toBe('p (branchpoint)\n  -> a (effective head)\n  -> x (head)\n\n');
  });

  it('refuses `stamp a b` after `stamp heads` with a typed error and writes nothing, where Alembic crashes after writing a row', async () => {
    const twin = projects(['a'], ['b', ['a']], ['c', ['b']]);
    const commands = [['stamp', 'heads'], ['stamp', 'a', 'b']];
    const { alembic, cgmigrate } = await twin.both(commands);
    expect(alembic[1]).toMatchObject({ ok: false, rows: ['a'] });
    expect(alembic[1]!.stderr).toContain('KeyError');
    expect(cgmigrate[0]).toMatchObject({ ok: true, rows: ['c'] });
    expect(cgmigrate[1]).toMatchObject({ ok: false, rows: ['c'], steps: [] });
    expect(cgmigrate[1]!.stderr).toContain('Error [OVERLAPPING_REVISIONS]: Requested revision b overlaps with other requested revisions a\n');
    expect(cgmigrate[1]!.stderr).toContain('Hint: Name only the newest revision of each branch: b already includes a, so `cgmigrate stamp b` records them all.');
    expect(cgmigrate[1]!.stderr).not.toContain('UNEXPECTED_ERROR');
  });

  it('stamps several targets each on its own line, where Alembic 1.8.1 moves every row to the first and crashes', async () => {
    const twin = projects(['a'], ['b', ['a']], ['c'], ['d', ['c']], ['m', ['b', 'd']]);
    const commands = [['upgrade', 'b'], ['upgrade', 'd'], ['stamp', 'a', 'c'], ['stamp', 'm'], ['stamp', 'b', 'd']];
    const { alembic, cgmigrate } = await twin.both(commands);
    expect(alembic[2]).toMatchObject({ ok: false, rows: ['a'] });
    expect(alembic[2]!.stderr).toContain('KeyError');
    expect(cgmigrate.map((run) => [run.ok, run.rows])).toEqual([
      [true, ['b']],
      [true, ['b', 'd']],
      [true, ['a', 'c']],
      [true, ['m']],
      // Unmerging by stamp: m moves to b, and d, whose line holds no row any more, gets its own.
      [true, ['b', 'd']],
    ]);
    expect(cgmigrate[2]!.steps).toEqual(['Running stamp_revision b -> a', 'Running stamp_revision d -> c']);
  });

  it('reads version rows where one descends from another as Alembic does: current shows the newest, upgrade refuses', async () => {
    const twin = projects(['a'], ['b', ['a']], ['c', ['b']]);
    // Alembic writes both rows for `stamp a b`; cgmigrate refuses that (see above), so its twin gets them by hand.
    const alembic = twin.alembic([['stamp', 'a', 'b'], ['current'], ['upgrade', 'heads'], ['history', '-i']]);
    expect(alembic[0]!.rows).toEqual(['a', 'b']);
    await twin.cgmigrate([['stamp', 'a']]);
    twin.setCgmigrateRows(['a', 'b']);
    const cgmigrate = await twin.cgmigrate([['current'], ['upgrade', 'heads'], ['history', '-i']]);
    expect(cgmigrate.map(comparable)).toEqual(alembic.slice(1).map(comparable).map((run) => ({ ...run, stdout: run.ok ? run.stdout : '' })));
    expect(alembic[2]!.stdout).toBe('FAILED: Requested revision b overlaps with other requested revisions a\n');
    expect(cgmigrate[1]!.stderr).toContain('Error [OVERLAPPING_REVISIONS]: Requested revision b overlaps with other requested revisions a\n');
    expect(cgmigrate[1]!.stderr).toContain('Hint: The version table records b and also a, which b already includes (another tool wrote both).');

    // Alembic downgrades from such rows; cgmigrate refuses every plan from them (docs/alembic-compatibility.md)
    // until `stamp --purge` records what the database is.
    const refused = await twin.cgmigrate([['downgrade', 'base'], ['stamp', 'c'], ['stamp', '--purge', 'b'], ['upgrade', 'heads']]);
    expect(refused.map((run) => [run.ok, run.rows])).toEqual([
      [false, ['a', 'b']],
      [false, ['a', 'b']],
      [true, ['b']],
      [true, ['c']],
    ]);
    expect(refused[0]!.stderr).toContain('Error [OVERLAPPING_REVISIONS]');
  });

  it('stamps -1 one below the heads of the scripts, as Alembic counts it', async () => {
    const twin = projects(['a'], ['b', ['a']], ['c', ['b']]);
    const { alembic, cgmigrate } = await twin.both([['stamp', '-1'], ['current'], ['upgrade', 'heads'], ['stamp', '-2']]);
    expect(comparable(cgmigrate[0]!)).toEqual(comparable(alembic[0]!));
    expect(cgmigrate[0]).toMatchObject({ ok: true, rows: ['b'], steps: ['Running stamp_revision  -> b'] });
    expect(cgmigrate.slice(0, 3).map(comparable)).toEqual(alembic.slice(0, 3).map(comparable));
    // With a row in the table, Alembic 1.8.1 cannot read its own relative stamp (docs/alembic-compatibility.md).
    expect(alembic[3]).toMatchObject({ ok: false, rows: ['c'], stdout: "FAILED: Can't locate revision identified by '-2'\n" });
    expect(cgmigrate[3]).toMatchObject({ ok: true, rows: ['a'], steps: ['Running stamp_revision c -> a'] });
  });

  it('refuses downgrade -1 from several heads, naming the command for each head, where Alembic warns and takes the first row', async () => {
    const twin = projects(['a'], ['b', ['a']], ['c'], ['x'], ['y', ['x'], { branchLabels: ['side'] }]);
    const setup = [['upgrade', 'a'], ['upgrade', 'heads']];
    const { alembic, cgmigrate } = await twin.both([...setup, ['downgrade', '-1']]);
    expect(cgmigrate.slice(0, 2).map(comparable)).toEqual(alembic.slice(0, 2).map(comparable));
    expect(alembic[2]!.stderr).toContain('UserWarning: downgrade -1 from multiple heads is ambiguous');
    expect(alembic[2]).toMatchObject({ ok: true, steps: ['Running downgrade b -> a, b'], rows: ['a', 'c', 'y'] });

    expect(cgmigrate[2]).toMatchObject({ ok: false, steps: [], rows: ['b', 'c', 'y'] });
    const [error, hint] = cgmigrate[2]!.stderr.split('\n');
    expect(error).toMatch(/^Error \[MULTIPLE_HEADS\]: Multiple head revisions are present for given argument '-1': [bcy], [bcy], [bcy]$/);
    expect(hint).toMatch(/^Hint: The database has several heads, so a relative step does not say which branch goes down\. Name the head: /);
    for (const command of ['`cgmigrate downgrade b@-1` (b)', '`cgmigrate downgrade c@-1` (c)', '`cgmigrate downgrade side@-1` (y)']) {
      expect(hint).toContain(command);
    }

    // The command named for b does what Alembic's -1 did.
    const [named] = await twin.cgmigrate([['downgrade', 'b@-1']]);
    expect(comparable(named!)).toEqual({ ...comparable(alembic[2]!), args: ['downgrade', 'b@-1'] });
  });

  it("runs upgrade steps and prints history in Alembic's order", async () => {
    // The graph `3152←base, 15c4←base, a379←[3152,15c4], da46←base`.
    const twin = projects(['3152'], ['15c4'], ['a379', ['3152', '15c4']], ['da46']);
    const commands = [['upgrade', 'heads'], ['history'], ['history', '-r', '15c4:'], ['downgrade', 'base'], ['upgrade', 'a379'], ['downgrade', 'base']];
    const { alembic, cgmigrate } = await twin.both(commands);
    expect(cgmigrate.map(comparable)).toEqual(alembic.map(comparable));
    expect(cgmigrate[0]!.steps).toEqual([
      'Running upgrade  -> 15c4, 15c4',
      'Running upgrade  -> da46, da46',
      'Running upgrade  -> 3152, 3152',
      'Running upgrade 3152, 15c4 -> a379, a379',
    ]);
    expect(cgmigrate[1]!.stdout).toBe(
      '3152, 15c4 -> a379 (head) (mergepoint), a379\n<base> -> 3152, 3152\n<base> -> da46 (head), da46\n<base> -> 15c4, 15c4\n',
    );
  });
});

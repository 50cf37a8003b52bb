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
    expect(cgmigrate[5]!.stdout).toBe('p (branchpoint)\n  -> a (effective head)\n  -> x (head)\n\n');
  });
});

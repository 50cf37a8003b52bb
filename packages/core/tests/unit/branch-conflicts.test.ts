import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigInvalidError } from '../../src/errors.js';
import { describeTouch, touchesMeet, touchesOfOperation, type IdentifierRules, type TouchedObject } from '../../src/operations/touched-object.js';
import { describeConflict, findConflicts, reviewedBy, type RevisionTouches } from '../../src/revision/branch-conflict-finder.js';
import { branchComparisons } from '../../src/revision/concurrent-revisions.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { reviewedConflictsOf } from '../../src/script/reviewed-conflicts.js';
import { rev } from '../support/graph.js';

const column = (table: string, name: string, action: TouchedObject['action'] = 'create'): TouchedObject => ({
  table: { name: table },
  part: { kind: 'column', name },
  action,
});
const EXACT: IdentifierRules = { caseInsensitive: false };
const sides = (map: RevisionMap, scope: Parameters<typeof branchComparisons>[1] = 'all') =>
  branchComparisons(map, scope).map((c) => ({ meeting: c.meeting, left: c.left, right: c.right }));

describe('branchComparisons: which revisions are concurrent', () => {
  it('compares the revisions of two unmerged heads since their fork', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c1', 'b'), rev('c2', 'c1'), rev('d1', 'b')]);
    expect(sides(map)).toEqual([{ meeting: { kind: 'heads', heads: ['c2', 'd1'] }, left: ['c1', 'c2'], right: ['d1'] }]);
  });

  it('compares every pair of three heads', () => {
    const map = RevisionMap.from([rev('a'), rev('x', 'a'), rev('y', 'a'), rev('z', 'a')]);
    expect(sides(map).map((s) => s.meeting)).toEqual([
      { kind: 'heads', heads: ['x', 'y'] },
      { kind: 'heads', heads: ['x', 'z'] },
      { kind: 'heads', heads: ['y', 'z'] },
    ]);
  });

  it("compares the two sides of a merge, each since the common ancestor", () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'b1'), rev('c1', 'a'), rev('m', ['b2', 'c1']), rev('n', 'm')]);
    expect(sides(map)).toEqual([{ meeting: { kind: 'merge', merge: 'm', parents: ['b2', 'c1'] }, left: ['b1', 'b2'], right: ['c1'] }]);
  });

  it('takes a revision one side depends on out of the other side: it is not concurrent', () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'b1'), rev('c1', 'a', { dependsOn: 'b1' })]);
    expect(sides(map)).toEqual([{ meeting: { kind: 'heads', heads: ['b2', 'c1'] }, left: ['b2'], right: ['c1'] }]);
  });

  it('leaves out a head that the other depends on entirely', () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('c1', 'a', { dependsOn: 'b1' })]);
    expect(sides(map)).toEqual([]);
  });

  it('with scope applied, keeps the unmerged heads and only merges not applied', () => {
    const map = RevisionMap.from([rev('a'), rev('b', 'a'), rev('c', 'a'), rev('m', ['b', 'c']), rev('x', 'm'), rev('y', 'm')]);
    expect(sides(map, { applied: ['a', 'b', 'c', 'm'] }).map((s) => s.meeting.kind)).toEqual(['heads']);
    expect(sides(map, { applied: ['a', 'b'] }).map((s) => s.meeting.kind)).toEqual(['heads', 'merge']);
  });

  it('with scope from, keeps only revisions descending from it (itself included)', () => {
    const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'b1'), rev('c1', 'a'), rev('c2', 'c1')]);
    expect(sides(map, { from: 'b1' })).toEqual([]);
    const later = RevisionMap.from([rev('a'), rev('f', 'a'), rev('b1', 'f'), rev('c1', 'f'), rev('old', 'a')]);
    expect(sides(later, { from: 'f' })).toEqual([{ meeting: { kind: 'heads', heads: ['b1', 'c1'] }, left: ['b1'], right: ['c1'] }]);
  });
});

describe('touchesMeet: the same object', () => {
  const rules: IdentifierRules = { caseInsensitive: true, defaultSchema: 'main' };

  it('meets on the same column, in any case where names fold', () => {
    expect(touchesMeet(column('scans', 'note'), column('SCANS', 'Note', 'drop'), rules)).toBe(true);
    expect(touchesMeet(column('scans', 'note'), column('scans', 'Note'), EXACT)).toBe(false);
  });

  it('keeps different columns of one table disjoint', () => {
    expect(touchesMeet(column('scans', 'note'), column('scans', 'owner'), rules)).toBe(false);
  });

  it('meets a table-level change with any change of the table', () => {
    const dropped: TouchedObject = { table: { name: 'scans' }, action: 'drop' };
    expect(touchesMeet(dropped, column('scans', 'note'), rules)).toBe(true);
    expect(touchesMeet({ table: { name: 'scans' }, action: 'alter' }, { table: { name: 'scans' }, action: 'update' }, rules)).toBe(true);
    expect(touchesMeet(dropped, column('alerts', 'note'), rules)).toBe(false);
  });

  it('treats the default schema as no schema', () => {
    expect(touchesMeet(column('scans', 'note'), { ...column('scans', 'note'), table: { name: 'scans', schema: 'main' } }, rules)).toBe(true);
    expect(touchesMeet(column('scans', 'note'), { ...column('scans', 'note'), table: { name: 'scans', schema: 'audit' } }, rules)).toBe(false);
  });

  it('meets two data writes of one table, but a data write and another column stay apart', () => {
    const update: TouchedObject = { table: { name: 'scans' }, action: 'update' };
    expect(touchesMeet(update, { table: { name: 'scans' }, action: 'insert' }, rules)).toBe(true);
    expect(touchesMeet(update, column('scans', 'note'), rules)).toBe(false);
    expect(touchesMeet(column('scans', 'note', 'update'), column('scans', 'note', 'drop'), rules)).toBe(true);
  });

  it('meets indexes by name and schema, even when one statement does not name the table', () => {
    const created: TouchedObject = { table: { name: 'scans' }, part: { kind: 'index', name: 'ix_scans' }, action: 'create' };
    expect(touchesMeet(created, { part: { kind: 'index', name: 'ix_scans' }, action: 'drop' }, rules)).toBe(true);
    expect(touchesMeet(created, { part: { kind: 'index', name: 'ix_scans', schema: 'audit' }, action: 'drop' }, rules)).toBe(false);
    expect(touchesMeet(created, { part: { kind: 'index', name: 'ix_other' }, action: 'drop' }, rules)).toBe(false);
  });

  it('meets an index and a constraint of the same name (a unique key is an index), and an index of unknown table with a table-level change', () => {
    const unique: TouchedObject = { table: { name: 'scans' }, part: { kind: 'constraint', name: 'uq_note' }, action: 'create' };
    expect(touchesMeet(unique, { part: { kind: 'index', name: 'UQ_NOTE' }, action: 'drop' }, rules)).toBe(true);
    expect(touchesMeet(unique, { table: { name: 'alerts' }, part: { kind: 'index', name: 'uq_note' }, action: 'drop' }, rules)).toBe(false);
    expect(touchesMeet({ part: { kind: 'index', name: 'ix' }, action: 'drop' }, { table: { name: 'any' }, action: 'drop' }, rules)).toBe(true);
  });
});

describe('touchesOfOperation', () => {
  it('reads a table operation as the table, a change as its part, a batch as a rebuild', () => {
    expect(touchesOfOperation({ kind: 'dropTable', table: { name: 'scans' }, ifExists: false })).toEqual([{ table: { name: 'scans' }, action: 'drop' }]);
    const table = { name: 'scans' };
    expect(
      touchesOfOperation({
        kind: 'alterTable',
        table,
        batch: false,
        changes: [
          { kind: 'alterColumn', column: 'a', changes: { name: 'b' } },
          { kind: 'createIndex', index: { name: 'ix', columns: ['b'] }, concurrently: false, ifNotExists: false },
          { kind: 'dropConstraint', name: 'fk', type: 'foreignKey' },
        ],
      }),
    ).toEqual([column('scans', 'a', 'rename'), column('scans', 'b', 'rename'), { table, part: { kind: 'index', name: 'ix' }, action: 'create' }, { table, part: { kind: 'constraint', name: 'fk' }, action: 'drop' }]);
    expect(touchesOfOperation({ kind: 'alterTable', table, batch: true, changes: [{ kind: 'dropColumn', column: 'a' }] })).toEqual([{ table, action: 'alter' }]);
  });

  it('reads validating a constraint as altering it, which meets dropping it on another branch but not another constraint', () => {
    const table = { name: 'scans' };
    const [validated] = touchesOfOperation({ kind: 'alterTable', table, batch: false, changes: [{ kind: 'validateConstraint', name: 'fk' }] });
    expect(validated).toEqual({ table, part: { kind: 'constraint', name: 'fk' }, action: 'alter' });
    expect(touchesMeet(validated!, { table, part: { kind: 'constraint', name: 'fk' }, action: 'drop' }, EXACT)).toBe(true);
    expect(touchesMeet(validated!, { table, part: { kind: 'constraint', name: 'ck' }, action: 'drop' }, EXACT)).toBe(false);
  });

  it('describes touches in words', () => {
    expect(describeTouch(column('scans', 'note'))).toBe('adds column scans.note');
    expect(describeTouch({ table: { name: 'scans', schema: 'app' }, action: 'drop' })).toBe('drops table app.scans');
    expect(describeTouch({ table: { name: 'scans' }, action: 'update' })).toBe('updates rows of scans');
    expect(describeTouch({ part: { kind: 'index', name: 'ix' }, action: 'drop' })).toBe('drops index ix');
  });
});

describe('findConflicts', () => {
  const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'b1'), rev('c1', 'a')]);
  const touches = (entries: Record<string, TouchedObject[]>): Map<string, RevisionTouches> =>
    new Map(Object.entries(entries).map(([revision, list]) => [revision, { revision, path: `versions/${revision}.ts`, touches: list }]));
  const none = () => undefined;

  it('finds a column both sides change, once per object, naming both revisions, files and actions', () => {
    const found = findConflicts(
      branchComparisons(map, 'all'),
      touches({ b1: [column('scans', 'note'), column('scans', 'note', 'update')], b2: [column('scans', 'other')], c1: [column('scans', 'note', 'drop')] }),
      EXACT,
      none,
    );
    expect(found.conflicts).toHaveLength(1);
    const [conflict] = found.conflicts;
    expect(conflict).toMatchObject({ object: { table: 'scans', column: 'note' }, first: { revision: 'b1', path: 'versions/b1.ts', does: 'adds column scans.note' }, second: { revision: 'c1', does: 'drops column scans.note' } });
    expect(describeConflict(conflict!)).toBe(
      'Revisions b1 (versions/b1.ts) and c1 (versions/c1.ts), on unmerged heads b2 and c1, both change column scans.note: b1 adds column scans.note; c1 drops column scans.note',
    );
  });

  it('finds nothing for disjoint columns of one table', () => {
    const found = findConflicts(branchComparisons(map, 'all'), touches({ b1: [column('scans', 'a')], c1: [column('scans', 'b')] }), EXACT, none);
    expect(found).toEqual({ conflicts: [], acknowledged: [] });
  });

  it('sets acknowledged pairs apart, by config (prefixes, either order) or header', () => {
    const pairs = touches({ b1: [column('t', 'x')], b2: [column('u', 'y')], c1: [column('t', 'x'), column('u', 'y')] });
    const byConfig = findConflicts(branchComparisons(map, 'all'), pairs, EXACT, reviewedBy([['c', 'b1']], () => []));
    expect(byConfig.conflicts.map((c) => c.first.revision)).toEqual(['b2']);
    expect(byConfig.acknowledged).toMatchObject([{ first: { revision: 'b1' }, reviewedIn: 'config' }]);
    const byHeader = findConflicts(branchComparisons(map, 'all'), pairs, EXACT, reviewedBy([], (id) => (id === 'c1' ? ['b2'] : [])));
    expect(byHeader.conflicts.map((c) => c.first.revision)).toEqual(['b1']);
    expect(byHeader.acknowledged).toMatchObject([{ first: { revision: 'b2' }, reviewedIn: 'header' }]);
  });

  it('finds a conflict across a merge, and none once a dependency orders the two', () => {
    const merged = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('c1', 'a'), rev('m', ['b1', 'c1'])]);
    const both = touches({ b1: [column('t', 'x')], c1: [column('t', 'x', 'alter')] });
    expect(findConflicts(branchComparisons(merged, 'all'), both, EXACT, none).conflicts[0]?.meeting).toEqual({ kind: 'merge', merge: 'm', parents: ['b1', 'c1'] });
    const ordered = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('c1', 'a', { dependsOn: 'b1' }), rev('m', ['b1', 'c1'])]);
    expect(findConflicts(branchComparisons(ordered, 'all'), both, EXACT, none).conflicts).toEqual([]);
  });
});

describe('Reviewed-Conflicts: header line', () => {
  it('reads ids from comment lines only, separated by commas or spaces', () => {
    const source = [
      '/**',
      ' * Add notes',
      ' *',
      ' * Revision ID: b2',
      ' * Reviewed-Conflicts: c1, d4e5',
      ' */',
      '// reviewed-conflicts: f9',
      "const text = 'Reviewed-Conflicts: zz';",
      'export default {};',
    ].join('\n');
    expect(reviewedConflictsOf(source)).toEqual(['c1', 'd4e5', 'f9']);
  });
});

describe('reviewedConflicts in the config', () => {
  it.each([
    [[['a1']], 'entry 0 is not a pair'],
    [['a1'], 'entry 0 is not a pair'],
    [[['a1', 'a1']], "names 'a1' twice"],
    [[['a1', 'no spaces']], 'which is not a revision id'],
    ['a1,b2', 'an array of pairs'],
  ])('refuses %j with CONFIG_INVALID', async (value, words) => {
    const error = await loadConfig({ cwd: '/', env: {}, inline: { reviewedConflicts: value as never } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).message).toContain("'reviewedConflicts' must be an array of pairs of revision ids");
    expect((error as ConfigInvalidError).message).toContain(words);
  });

  it('keeps valid pairs', async () => {
    const config = await loadConfig({ cwd: '/', env: {}, inline: { reviewedConflicts: [['3f2a', 'b71e04']] } });
    expect(config.reviewedConflicts).toEqual([['3f2a', 'b71e04']]);
  });
});

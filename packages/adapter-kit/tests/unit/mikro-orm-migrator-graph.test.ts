/**
 * The pure parts of `orm.migrator` through cgmigrate: which revisions count as executed
 * and in which order, what a name means, where a revert or an unlog goes in the graph, and
 * how MikroORM's up/down options read.
 */
import type { RevisionSummary } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { AppliedRevisions } from '../../src/mikro-orm/applied-revisions.js';
import { downRequest, upRequest } from '../../src/mikro-orm/migrate-requests.js';
import { ormMigrationName, revisionForName } from '../../src/mikro-orm/migration-names.js';

/** A revision as `history` returns it (newest first in lists below). */
function rev(id: string, downRevisions: string[] = [], extra: Partial<RevisionSummary> = {}): RevisionSummary {
  return {
    id,
    downRevisions,
    nextRevisions: [],
    dependsOn: [],
    branchLabels: [],
    message: `m ${id}`,
    path: `/srv/app/migrations/versions/${id}.ts`,
    isHead: false,
    isEffectiveHead: false,
    isBase: downRevisions.length === 0,
    isBranchPoint: false,
    isMergePoint: downRevisions.length > 1,
    ...extra,
  };
}

const at = (iso: string) => new Date(`2025-03-01T${iso}Z`);

//   a ← b ← c
//    ↖ d ← m (merges c and d)
const graph = (times: Partial<Record<string, Date>> = {}) =>
  [rev('m', ['c', 'd']), rev('c', ['b']), rev('d', ['a']), rev('b', ['a']), rev('a')].map((revision) =>
    times[revision.id] ? { ...revision, appliedAt: times[revision.id] } : revision,
  );

describe('AppliedRevisions', () => {
  it('counts as executed the current revisions and everything below them, in the order the audit says they ran', () => {
    const applied = new AppliedRevisions(graph({ a: at('10:00:00'), d: at('10:00:01'), b: at('10:05:00'), c: at('10:05:01') }), ['c', 'd']);
    expect(applied.executed().map(({ revision }) => revision.id)).toEqual(['a', 'd', 'b', 'c']);
    expect(applied.has('m')).toBe(false);
    expect(applied.has('b')).toBe(true);
  });

  it('gives a revision recorded by a later step (a stamp above it) that step\'s time, parents first', () => {
    const applied = new AppliedRevisions(graph({ c: at('11:00:00') }), ['c']);
    expect(applied.executed().map(({ revision, executedAt }) => [revision.id, executedAt.toISOString()])).toEqual([
      ['a', '2025-03-01T11:00:00.000Z'],
      ['b', '2025-03-01T11:00:00.000Z'],
      ['c', '2025-03-01T11:00:00.000Z'],
    ]);
  });

  it('gives the Unix epoch to revisions no audit entry tells about (applied by Alembic), in history\'s order reversed', () => {
    const applied = new AppliedRevisions(graph(), ['m']);
    const executed = applied.executed();
    expect(executed.map(({ revision }) => revision.id)).toEqual(['a', 'b', 'd', 'c', 'm']);
    expect(new Set(executed.map(({ executedAt }) => executedAt.getTime()))).toEqual(new Set([0]));
  });

  it('reverts a revision down its own branch: to its parent, to one parent of a merge, to base for a first revision', () => {
    const applied = new AppliedRevisions(graph(), ['m']);
    expect(applied.revertTarget('c')).toBe('c@b');
    expect(applied.revertTarget('m')).toBe('m@c');
    expect(applied.revertTarget('a')).toBe('a@base');
  });

  it('names what a logMigration needs applied first', () => {
    const applied = new AppliedRevisions(graph(), ['b']);
    expect(applied.missingBasis('c')).toEqual([]);
    expect(applied.missingBasis('m')).toEqual(['c', 'd']);
  });

  it('unlogs a head with a stamp of its parents, unless another branch stands on them or a revision builds on it', () => {
    expect(new AppliedRevisions(graph(), ['m']).unlogPlan('m')).toEqual({ kind: 'stamp', revisions: ['c', 'd'] });
    expect(new AppliedRevisions(graph(), ['c']).unlogPlan('c')).toEqual({ kind: 'stamp', revisions: ['b'] });
    expect(new AppliedRevisions(graph(), ['a']).unlogPlan('a')).toEqual({ kind: 'stamp', revisions: ['a@base'] });
    // d's parent a is also below c: stamping a would take c's branch down with it.
    expect(new AppliedRevisions(graph(), ['c', 'd']).unlogPlan('d')).toEqual({ kind: 'purge', heads: ['c'] });
    expect(new AppliedRevisions(graph(), ['c', 'd']).unlogPlan('b')).toEqual({ kind: 'built-on', by: ['c'] });
  });

  it('places a revision after what it stands on even where history lists it earlier', () => {
    const shuffled = [rev('a'), rev('m', ['c', 'd']), rev('b', ['a']), rev('d', ['a']), rev('c', ['b'])];
    expect(new AppliedRevisions(shuffled, ['m']).executed().map(({ revision }) => revision.id)).toEqual(['a', 'b', 'c', 'd', 'm']);
  });

  it('orders a long linear history without recursion', () => {
    const ids = Array.from({ length: 20_000 }, (_, index) => `r${index}`);
    const revisions = ids.map((id, index) => rev(id, index === 0 ? [] : [ids[index - 1]!])).reverse();
    const executed = new AppliedRevisions(revisions, [ids.at(-1)!]).executed();
    expect(executed).toHaveLength(20_000);
    expect(executed[0]!.revision.id).toBe('r0');
    expect(executed.at(-1)!.revision.id).toBe('r19999');
  });
});

describe('migration names', () => {
  const classFile = rev('20241116000001', [], { message: 'Migration20241116000001', path: '/srv/app/migrations/versions/Migration20241116000001.ts' });
  const revisions = [classFile, rev('ae1027'), rev('ae1099'), rev('b7d9e4')];

  it('names a MikroORM class file by its class, anything else by its id', () => {
    expect(ormMigrationName(classFile)).toBe('Migration20241116000001');
    expect(ormMigrationName(rev('ae1027', [], { message: 'Create scans', path: '/x/20250110_ae1027_create_scans.ts' }))).toBe('ae1027');
  });

  it('reads a name as an id, a MikroORM name (with its extension, or as a bare timestamp), or a unique id prefix', () => {
    expect(revisionForName('b7d9e4', revisions)).toBe('b7d9e4');
    expect(revisionForName('Migration20241116000001', revisions)).toBe('20241116000001');
    expect(revisionForName('Migration20241116000001.ts', revisions)).toBe('20241116000001');
    expect(revisionForName('20241116000001', revisions)).toBe('20241116000001');
    expect(revisionForName('b7', revisions)).toBe('b7d9e4');
  });

  it('refuses an ambiguous prefix and an unknown name with cgmigrate\'s codes', () => {
    expect(() => revisionForName('ae10', revisions)).toThrow(expect.objectContaining({ code: 'AMBIGUOUS_REVISION', candidates: ['ae1027', 'ae1099'] }));
    expect(() => revisionForName('zz', revisions)).toThrow(expect.objectContaining({ code: 'REVISION_NOT_FOUND', revision: 'zz' }));
    expect(() => revisionForName('', revisions)).toThrow(expect.objectContaining({ code: 'REVISION_NOT_FOUND' }));
  });
});

describe('MikroORM up/down options', () => {
  it('reads up() as upgrade head, and names, lists, migrations and to as targets', () => {
    expect(upRequest(undefined)).toEqual({ kind: 'head' });
    expect(upRequest({})).toEqual({ kind: 'head' });
    expect(upRequest({ to: 0 })).toEqual({ kind: 'head' });
    expect(upRequest('a1')).toEqual({ kind: 'to', names: ['a1'] });
    expect(upRequest(['a1', 'b2'])).toEqual({ kind: 'to', names: ['a1', 'b2'] });
    expect(upRequest({ migrations: ['b2'], to: 'a1' })).toEqual({ kind: 'to', names: ['b2'] });
    expect(upRequest({ to: 'a1' })).toEqual({ kind: 'to', names: ['a1'] });
  });

  it('reads down() as the last migration, to: 0 as base, to as a target and names as reverts', () => {
    expect(downRequest(undefined)).toEqual({ kind: 'last' });
    expect(downRequest({ to: 0 })).toEqual({ kind: 'base' });
    expect(downRequest({ to: 'a1' })).toEqual({ kind: 'to', name: 'a1' });
    expect(downRequest('b2')).toEqual({ kind: 'revert', names: ['b2'] });
    expect(downRequest({ migrations: ['b2'] })).toEqual({ kind: 'revert', names: ['b2'] });
  });

  it('refuses from, transaction and schema, saying what to do instead', () => {
    expect(() => upRequest({ from: 'a1' })).toThrow(
      expect.objectContaining({ code: 'MIGRATOR_CALL_NOT_SUPPORTED', call: 'orm.migrator.up({ from })', instead: expect.stringContaining('`to` alone') }),
    );
    expect(() => downRequest({ transaction: {} as never })).toThrow(expect.objectContaining({ code: 'MIGRATOR_CALL_NOT_SUPPORTED', call: 'orm.migrator.down({ transaction })' }));
    expect(() => upRequest({ schema: 'tenant_1' })).toThrow(expect.objectContaining({ code: 'MIGRATOR_CALL_NOT_SUPPORTED', instead: expect.stringContaining('versionTableSchema') }));
  });

  it('pins the message of MIGRATOR_CALL_NOT_SUPPORTED: the call, why, and what to do instead', () => {
    expect(() => upRequest({ from: 'a1' })).toThrow(
      'orm.migrator.up({ from }) cannot run through cgmigrate: a cgmigrate run starts from the revisions the database is at. ' +
        'Instead, leave out `from`: `to` alone applies every revision up to the one named',
    );
  });
});

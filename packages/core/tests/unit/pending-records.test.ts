import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditStore, Session, VersionStore } from '../../src/adapter/dialect-adapter.js';
import { applyVersionChanges, type VersionChange } from '../../src/plan/migration-step.js';
import { netVersionChanges, PendingRecords } from '../../src/runtime/pending-records.js';

const insert = (to: string): VersionChange => ({ kind: 'insert', to });
const remove = (from: string): VersionChange => ({ kind: 'delete', from });
const update = (from: string, to: string): VersionChange => ({ kind: 'update', from, to });

const entry = (revision: string): AuditEntry => ({
  revision,
  direction: 'upgrade',
  checksum: undefined,
  appliedAt: new Date('2024-05-01T10:00:00.000Z'),
  durationMs: 1,
  appliedBy: undefined,
  host: undefined,
  toolVersion: undefined,
});

describe('netVersionChanges', () => {
  it('turns a linear run from base into one insert, and back to base into one delete', () => {
    const up = [insert('a'), update('a', 'b'), update('b', 'c')];
    expect(netVersionChanges(up)).toEqual([insert('c')]);
    expect(netVersionChanges([update('c', 'b'), update('b', 'a'), remove('a')])).toEqual([remove('c')]);
  });

  it('turns a linear run from one head to another into one update', () => {
    expect(netVersionChanges([update('a', 'b'), update('b', 'c'), update('c', 'd')])).toEqual([update('a', 'd')]);
  });

  it('leaves the table as the sequence would, through merges and branch points', () => {
    const cases: { heads: string[]; changes: VersionChange[] }[] = [
      // branch point b splits into c and d, which a merge m joins again
      { heads: ['a'], changes: [update('a', 'b'), update('b', 'c'), insert('d'), remove('c'), update('d', 'm')] },
      // downgrade below a merge: one head becomes two
      { heads: ['m'], changes: [update('m', 'c'), insert('d'), update('c', 'b'), remove('d')] },
      // a row removed and added again
      { heads: ['x', 'y'], changes: [remove('x'), update('y', 'x'), insert('y')] },
      { heads: ['p', 'q'], changes: [remove('p'), remove('q'), insert('r')] },
    ];
    for (const { heads, changes } of cases) {
      const net = netVersionChanges(changes);
      expect(applyVersionChanges(heads, net).sort()).toEqual(applyVersionChanges(heads, changes).sort());
      expect(net.length).toBeLessThanOrEqual(changes.length);
    }
  });
});

describe('PendingRecords', () => {
  function stores(withRecordAll: boolean) {
    const calls: string[] = [];
    const session = {} as Session;
    const versions: VersionStore = {
      table: { name: 'alembic_version' },
      ensure: async () => {},
      read: async () => [],
      insert: async (_s, version) => void calls.push(`insert ${version}`),
      delete: async (_s, version) => void calls.push(`delete ${version}`),
      update: async (_s, from, to) => void calls.push(`update ${from} ${to}`),
    };
    const audit: AuditStore = {
      table: { name: 'cgmigrate_audit' },
      ensure: async () => {},
      record: async (_s, e) => void calls.push(`record ${e.revision}`),
      latest: async () => [],
      ...(withRecordAll ? { recordAll: async (_s: Session, es: readonly AuditEntry[]) => void calls.push(`recordAll ${es.map((e) => e.revision).join(',')}`) } : {}),
    };
    return { calls, session, versions, audit };
  }

  it('writes the net version change, then every audit row in one call, and starts empty again', async () => {
    const { calls, session, versions, audit } = stores(true);
    const pending = new PendingRecords();
    pending.add([insert('a')], entry('a'));
    pending.add([update('a', 'b')], entry('b'));
    await pending.flush(session, versions, audit);
    expect(calls).toEqual(['insert b', 'recordAll a,b']);
    await pending.flush(session, versions, audit);
    expect(calls).toEqual(['insert b', 'recordAll a,b']);
  });

  it('records one row at a time, in order, with a store that has no recordAll', async () => {
    const { calls, session, versions, audit } = stores(false);
    const pending = new PendingRecords();
    pending.add([update('a', 'b')], entry('b'));
    pending.add([update('b', 'c')], entry('c'));
    await pending.flush(session, versions, audit);
    expect(calls).toEqual(['update a c', 'record b', 'record c']);
  });
});

import type { AuditEntry, AuditStore, Session, VersionStore } from '../adapter/dialect-adapter.js';
import type { VersionChange } from '../plan/migration-step.js';

/**
 * The version-table changes and audit rows of one transaction, written together just
 * before it commits: a run of 1,000 steps in one transaction then moves the version
 * table once (not 1,000 times) and appends its audit rows in a few multi-row
 * `INSERT`s, instead of two round trips per step. What commits is the same, because
 * nothing of the transaction is visible to anyone else before the commit; only a
 * migration that reads the version table in the middle of a run sees the table as it
 * was when the transaction began.
 */
export class PendingRecords {
  readonly #changes: VersionChange[] = [];
  readonly #entries: AuditEntry[] = [];

  /** Adds one step's version changes and audit row. */
  add(changes: readonly VersionChange[], entry: AuditEntry): void {
    this.#changes.push(...changes);
    this.#entries.push(entry);
  }

  /** Writes everything added so far in `session` and forgets it. */
  async flush(session: Session, versions: VersionStore, audit: AuditStore): Promise<void> {
    const changes = netVersionChanges(this.#changes.splice(0));
    const entries = this.#entries.splice(0);
    for (const change of changes) {
      if (change.kind === 'insert') await versions.insert(session, change.to);
      else if (change.kind === 'delete') await versions.delete(session, change.from);
      else await versions.update(session, change.from, change.to);
    }
    if (entries.length === 0) return;
    if (audit.recordAll) await audit.recordAll(session, entries);
    else for (const entry of entries) await audit.record(session, entry);
  }
}

/**
 * Version-table changes with the same effect as `changes` applied in order, touching
 * each row once: every row the sequence removes from the table as it was is updated
 * to a row the sequence adds (or deleted, when it adds fewer), and what is left to add
 * is inserted. A linear run becomes one `update` (one `insert` from base, one `delete`
 * to base). Each removal still names a row the table had, so a table changed behind
 * the runner's back still fails with `VERSION_TABLE_CONFLICT`.
 *
 * ### Examples
 * ```ts
 * netVersionChanges([{ kind: 'insert', to: 'a' }, { kind: 'update', from: 'a', to: 'b' }])
 * // [{ kind: 'insert', to: 'b' }]
 * ```
 */
export function netVersionChanges(changes: readonly VersionChange[]): VersionChange[] {
  const removed: string[] = [];
  const added = new Set<string>();
  const remove = (version: string) => {
    if (added.has(version)) added.delete(version);
    else removed.push(version);
  };
  for (const change of changes) {
    if (change.kind !== 'insert') remove(change.from);
    if (change.kind !== 'delete') added.add(change.to);
  }
  // A row removed and added again keeps its place (an update onto itself, which still
  // checks it was there); the other rows pair up freely, since no added row is in the table.
  const kept = removed.filter((version) => added.has(version));
  const gone = removed.filter((version) => !added.has(version));
  const fresh = [...added].filter((version) => !kept.includes(version));
  const net: VersionChange[] = kept.map((version) => ({ kind: 'update', from: version, to: version }));
  gone.forEach((from, index) => {
    const to = fresh[index];
    net.push(to === undefined ? { kind: 'delete', from } : { kind: 'update', from, to });
  });
  for (const to of fresh.slice(gone.length)) net.push({ kind: 'insert', to });
  return net;
}

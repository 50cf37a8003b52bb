import type { RevisionMap } from '../revision/revision-map.js';
import type { AcceptedEdit } from '../runtime/audit.js';
import { NO_REVISIONS, type Revision } from '../revision/revision.js';

/** A revision as commands return it: plain data, safe to print as JSON. */
export interface RevisionSummary {
  readonly id: string;
  readonly downRevisions: readonly string[];
  /** Revisions that follow it (its children). */
  readonly nextRevisions: readonly string[];
  readonly dependsOn: readonly string[];
  /** Branch labels it carries: its own and those it inherits along its branch, as Alembic shows them. */
  readonly branchLabels: readonly string[];
  readonly message: string | undefined;
  /** The migration file. */
  readonly path: string | undefined;
  /** No revision follows it. */
  readonly isHead: boolean;
  /**
   * A head only because no revision *revises* it: another revision depends on it
   * (`dependsOn`), so `heads` reaches it through that revision. Alembic prints it as
   * `(effective head)` instead of `(head)`.
   */
  readonly isEffectiveHead: boolean;
  /** It follows no revision. */
  readonly isBase: boolean;
  /** Several revisions follow it. */
  readonly isBranchPoint: boolean;
  /** It follows several revisions. */
  readonly isMergePoint: boolean;
  /** The database is at it (only when the command read the database). */
  readonly isCurrent?: boolean | undefined;
  /** When it was applied, from the audit table (only when the command read it). */
  readonly appliedAt?: Date | undefined;
  /** Who applied it, from the audit table (only when the command read it). */
  readonly appliedBy?: string | undefined;
  /**
   * The newest edit of its file accepted since it was applied (`cgmigrate audit accept`),
   * from the audit table (only when the command read it, and one was accepted).
   */
  readonly acceptedEdit?: AcceptedEdit | undefined;
}

/** Summarises a revision of a map. */
export function summarizeRevision(map: RevisionMap, revision: Revision, current?: ReadonlySet<string>): RevisionSummary {
  const known = map.has(revision.id);
  const children = known ? map.children(revision.id) : NO_REVISIONS;
  const summary: RevisionSummary = {
    id: revision.id,
    downRevisions: revision.downRevisions,
    nextRevisions: children,
    dependsOn: revision.dependsOn,
    branchLabels: known ? map.branchLabels(revision.id) : revision.branchLabels,
    message: revision.message,
    path: revision.path,
    isHead: children.length === 0,
    isEffectiveHead: children.length === 0 && known && map.children(revision.id, { includeDependencies: true }).length > 0,
    isBase: revision.downRevisions.length === 0,
    isBranchPoint: children.length > 1,
    isMergePoint: revision.downRevisions.length > 1,
  };
  // Only when asked: `isCurrent` absent means "not read", not "not current".
  if (current) (summary as { isCurrent?: boolean }).isCurrent = current.has(revision.id);
  return summary;
}

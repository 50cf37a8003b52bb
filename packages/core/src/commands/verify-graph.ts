import { isMigrateError, UnexpectedHeadsError, type MigrateError } from '../errors.js';
import { RevisionMap } from '../revision/revision-map.js';
import { createRevision, type Revision } from '../revision/revision.js';
import type { BranchConflictReport } from './branch-conflicts.js';
import { checkHeads } from './check-heads.js';
import type { VerifyFinding } from './verify-findings.js';

/** What {@link checkRevisionGraph} found: every fault of the graph, and the graph when it has none. */
export interface GraphCheck {
  readonly findings: readonly VerifyFinding[];
  /** The graph; `undefined` when a fault keeps it from being built. */
  readonly map: RevisionMap | undefined;
}

/**
 * Builds the revision graph as every command does, and reports every fault it has
 * rather than the first: each error the graph's own checks raise (a duplicate id, a
 * missing parent or dependency, a cycle, a branch label used twice) becomes a finding
 * naming the revisions and their files, then the fault is set aside (the duplicate,
 * the link, the cycle's members, the label) and the graph is built again, until it
 * builds. The findings are those the graph would report one after the other, fixed in
 * turn; their order is the graph's fixed order of checks.
 *
 * ### Examples
 * ```ts
 * const { findings, map } = checkRevisionGraph(revisions);
 * if (map === undefined) return findings; // nothing can run
 * ```
 * @throws what the graph throws that is no fault of the revisions' links (none today).
 */
export function checkRevisionGraph(revisions: readonly Revision[]): GraphCheck {
  const findings: VerifyFinding[] = [];
  let current = [...revisions];
  // Each round removes at least one fault; a graph cannot hold more faults than links and ids.
  const limit = revisions.reduce((sum, r) => sum + r.downRevisions.length + r.dependsOn.length + r.branchLabels.length + 1, 1);
  for (let round = 0; round <= limit; round++) {
    try {
      const map = RevisionMap.from(current);
      return { findings, map: findings.length === 0 ? map : undefined };
    } catch (error) {
      if (!isMigrateError(error)) throw error;
      const fixed = setAside(error, current, findings);
      if (fixed === undefined) throw error;
      current = fixed;
    }
  }
  return { findings, map: undefined };
}

/**
 * The heads check of verify, the same as `heads --check`: at most one head, or exactly
 * the config's `expectedHeads`. Several heads without a declaration are
 * `VERIFY_MULTIPLE_HEADS`; heads other than the declared ones `VERIFY_UNEXPECTED_HEADS`.
 */
export function checkGraphHeads(map: RevisionMap, expectedHeads: readonly string[] | undefined): VerifyFinding[] {
  const check = checkHeads(map, expectedHeads);
  if (check.ok) return [];
  const headIds = check.heads.map((head) => head.id);
  if (check.expected === undefined) {
    return [
      {
        code: 'VERIFY_MULTIPLE_HEADS',
        check: 'graph',
        message: `The revision graph has ${headIds.length} heads (${headIds.map((id) => described(map.get(id))).join(', ')}); merge them with \`merge heads\``,
        revisions: headIds,
        paths: headIds.map((id) => map.get(id).path),
      },
    ];
  }
  const wrong = [...check.extra, ...check.ambiguous.flatMap((entry) => entry.heads)];
  return [
    {
      code: 'VERIFY_UNEXPECTED_HEADS',
      check: 'graph',
      message: new UnexpectedHeadsError(check).message,
      revisions: wrong.length > 0 ? wrong : headIds,
      paths: (wrong.length > 0 ? wrong : headIds).map((id) => map.get(id).path),
    },
  ];
}

/**
 * Branch conflicts as verify findings: migrations on concurrent branches (unmerged heads,
 * the two sides of a merge) that change the same object, unless the pair was reviewed.
 */
export function branchConflictFindings(report: BranchConflictReport): VerifyFinding[] {
  return report.conflicts.map((conflict) => ({
    code: 'VERIFY_BRANCH_CONFLICT',
    check: 'graph',
    message: conflict.message,
    revisions: [conflict.first.revision, conflict.second.revision],
    paths: [conflict.first.path, conflict.second.path],
  }));
}

/** Records `error` as a finding and returns the revisions without its fault; `undefined` for an error it cannot set aside. */
function setAside(error: MigrateError, revisions: Revision[], findings: VerifyFinding[]): Revision[] | undefined {
  const byId = (id: string) => revisions.find((revision) => revision.id === id);
  const fault = error as MigrateError & Record<string, unknown>;
  switch (error.code) {
    case 'DUPLICATE_REVISION': {
      const id = fault['revision'] as string;
      const copies = revisions.filter((revision) => revision.id === id);
      findings.push({
        code: 'VERIFY_DUPLICATE_REVISION',
        check: 'graph',
        message: error.message,
        revision: id,
        path: copies[1]?.path,
        paths: copies.map((revision) => revision.path),
      });
      const first = copies[0];
      return revisions.filter((revision) => revision.id !== id || revision === first);
    }
    case 'MISSING_PARENT': {
      const id = fault['revision'] as string;
      const missing = fault['missing'] as string;
      const relation = fault['relation'] as 'downRevision' | 'dependsOn';
      const revision = byId(id);
      findings.push({ code: 'VERIFY_MISSING_PARENT', check: 'graph', message: error.message, revision: id, path: revision?.path });
      return revisions.map((r) =>
        r.id !== id
          ? r
          : relation === 'dependsOn'
            ? rebuilt(r, { dependsOn: r.dependsOn.filter((d) => d !== missing) })
            : rebuilt(r, { downRevisions: r.downRevisions.filter((d) => d !== missing) }),
      );
    }
    case 'REVISION_CYCLE':
    case 'DEPENDENCY_CYCLE': {
      const members = new Set(fault['revisions'] as readonly string[]);
      findings.push({
        code: error.code === 'REVISION_CYCLE' ? 'VERIFY_REVISION_CYCLE' : 'VERIFY_DEPENDENCY_CYCLE',
        check: 'graph',
        message: `${error.message}: ${[...members].map((id) => described(byId(id))).join(', ')}`,
        revisions: [...members],
        paths: [...members].map((id) => byId(id)?.path),
      });
      // The cycle goes, and so do the links to it, which would otherwise be reported as missing.
      return revisions
        .filter((r) => !members.has(r.id))
        .map((r) =>
          r.downRevisions.some((d) => members.has(d)) || r.dependsOn.some((d) => members.has(d))
            ? rebuilt(r, { downRevisions: r.downRevisions.filter((d) => !members.has(d)), dependsOn: r.dependsOn.filter((d) => !members.has(d)) })
            : r,
        );
    }
    case 'DUPLICATE_BRANCH_LABEL': {
      const id = fault['revision'] as string;
      const label = fault['label'] as string;
      findings.push({ code: 'VERIFY_DUPLICATE_BRANCH_LABEL', check: 'graph', message: error.message, revision: id, path: byId(id)?.path });
      return revisions.map((r) => (r.id === id ? rebuilt(r, { branchLabels: r.branchLabels.filter((l) => l !== label) }) : r));
    }
    default:
      return undefined;
  }
}

function rebuilt(revision: Revision, changes: Partial<Pick<Revision, 'downRevisions' | 'dependsOn' | 'branchLabels'>>): Revision {
  return createRevision({ ...revision, ...changes });
}

/** `1a2b (versions/…_add_email.ts)`, or the id alone without a file. */
function described(revision: Revision | undefined): string {
  if (revision === undefined) return '?';
  return revision.path === undefined ? revision.id : `${revision.id} (${revision.path})`;
}

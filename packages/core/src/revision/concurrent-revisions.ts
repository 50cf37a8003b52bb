/**
 * Which revisions were written concurrently, on branches that did not see each other:
 * the two sides of each pair of unmerged heads, and of each merge revision. Pure: the
 * revision graph in, lists of revision ids out. Branch-conflict detection compares what
 * the revisions of one side touch with what those of the other side touch.
 *
 * @packageDocumentation
 */

import type { RevisionMap } from './revision-map.js';

/**
 * Which comparisons to make:
 *
 * - `'all'`: every pair of unmerged heads and every merge revision;
 * - `{ from: REV }`: the same, keeping only revisions that descend from `REV` (through
 *   parents or dependencies; `REV` itself included) on both sides;
 * - `{ applied: [...] }`: every pair of unmerged heads, and the merge revisions not in
 *   `applied` (the revisions a database has run): what `check` compares.
 */
export type BranchComparisonScope = 'all' | { readonly from: string } | { readonly applied: Iterable<string> };

/** Where two sides meet: two heads not merged yet, or a merge revision. */
export type BranchMeeting =
  | { readonly kind: 'heads'; readonly heads: readonly [string, string] }
  | { readonly kind: 'merge'; readonly merge: string; readonly parents: readonly [string, string] };

/** Two lists of revisions, each unknown to the other: reachable from one end and not from the other. */
export interface BranchComparison {
  readonly meeting: BranchMeeting;
  /** Revisions reachable from the first head (or parent) and not from the second, oldest first. */
  readonly left: readonly string[];
  /** Revisions reachable from the second and not from the first, oldest first. */
  readonly right: readonly string[];
}

/**
 * The comparisons to make in `map`, within `scope`. Each side is what one end reaches
 * through parents and dependencies and the other does not: a revision one side depends
 * on is an ancestor of that side, so never concurrent with it. Comparisons with an empty
 * side are left out. A pair of revisions may appear in several comparisons (a
 * criss-cross merge); callers compare each pair once.
 *
 * ### Examples
 * ```ts
 * const map = RevisionMap.from([{ id: 'a' }, { id: 'b1', downRevisions: 'a' }, { id: 'b2', downRevisions: 'a' }]);
 * branchComparisons(map, 'all');
 * // [{ meeting: { kind: 'heads', heads: ['b1', 'b2'] }, left: ['b1'], right: ['b2'] }]
 * ```
 * @throws {RevisionNotFoundError} when `scope.from` names no revision.
 */
export function branchComparisons(map: RevisionMap, scope: BranchComparisonScope): BranchComparison[] {
  const order = new Map<string, number>();
  let position = 0;
  for (const revision of map) order.set(revision.id, position++);
  const within = scope !== 'all' && 'from' in scope ? map.descendants([map.resolveOne(scope.from)?.id ?? scope.from], { includeDependencies: true }) : undefined;
  const applied = scope !== 'all' && 'applied' in scope ? new Set(scope.applied) : undefined;

  const ancestorCache = new Map<string, ReadonlySet<string>>();
  const ancestors = (id: string): ReadonlySet<string> => {
    let found = ancestorCache.get(id);
    if (found === undefined) ancestorCache.set(id, (found = map.ancestors([id], { includeDependencies: true })));
    return found;
  };
  const side = (from: ReadonlySet<string>, without: ReadonlySet<string>): string[] =>
    [...from]
      .filter((id) => !without.has(id) && (within === undefined || within.has(id)))
      .sort((a, b) => order.get(a)! - order.get(b)!);

  const comparisons: BranchComparison[] = [];
  const compare = (meeting: BranchMeeting, first: string, second: string): void => {
    const left = side(ancestors(first), ancestors(second));
    const right = side(ancestors(second), ancestors(first));
    if (left.length > 0 && right.length > 0) comparisons.push({ meeting, left, right });
  };

  const heads = map.heads;
  for (let i = 0; i < heads.length; i++) {
    for (let j = i + 1; j < heads.length; j++) compare({ kind: 'heads', heads: [heads[i]!, heads[j]!] }, heads[i]!, heads[j]!);
  }
  for (const revision of map) {
    const parents = revision.downRevisions;
    if (parents.length < 2 || applied?.has(revision.id) || (within !== undefined && !within.has(revision.id))) continue;
    for (let i = 0; i < parents.length; i++) {
      for (let j = i + 1; j < parents.length; j++) {
        compare({ kind: 'merge', merge: revision.id, parents: [parents[i]!, parents[j]!] }, parents[i]!, parents[j]!);
      }
    }
  }
  return comparisons;
}

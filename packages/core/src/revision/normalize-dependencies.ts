import type { IndexAdjacency } from './index-adjacency.js';
import type { Revision } from './revision.js';

/**
 * Each revision's normalized down revisions (Alembic's `_normalize_depends_on`): its
 * parents, then those of its dependencies that no ancestor (through parents) also depends
 * on. One walk per dependency that several revisions share, instead of one ancestor walk
 * per revision.
 *
 * ### Examples
 * ```ts
 * // b2 and b4 (a descendant of b2) both depend on a3: only b2 keeps it
 * normalizeDependencies(revisions, children, dependencies)[indexOfB4]; // ['b3']
 * ```
 * @param revisions the revisions by node index.
 * @param children each node's children, as node indices.
 * @param dependencies each node's dependencies as ids, without repeats.
 * @returns the normalized down revisions by node index.
 */
export function normalizeDependencies(
  revisions: readonly Revision[],
  children: IndexAdjacency,
  dependencies: readonly (readonly string[])[],
): (readonly string[])[] {
  /** Dependency → the revisions that declare it, as node indices. */
  const dependents = new Map<string, number[]>();
  for (let index = 0; index < revisions.length; index++) {
    for (const dependency of dependencies[index]!) {
      const list = dependents.get(dependency);
      if (list) list.push(index);
      else dependents.set(dependency, [index]);
    }
  }
  /** By node index, the dependencies an ancestor already declares. */
  const implied = new Array<Set<string> | undefined>(revisions.length);
  for (const [dependency, list] of dependents) {
    if (list.length < 2) continue;
    // What descends from the revisions that share the dependency.
    const descendant = new Uint8Array(revisions.length);
    const stack: number[] = [];
    for (const index of list) for (let e = children.start[index]!; e < children.start[index + 1]!; e++) stack.push(children.list[e]!);
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (descendant[at] === 1) continue;
      descendant[at] = 1;
      for (let e = children.start[at]!; e < children.start[at + 1]!; e++) stack.push(children.list[e]!);
    }
    for (const index of list) if (descendant[index] === 1) (implied[index] ??= new Set()).add(dependency);
  }
  return revisions.map((revision, index) => {
    const drop = implied[index];
    const kept = drop ? dependencies[index]!.filter((d) => !drop.has(d)) : dependencies[index]!;
    if (kept.length === 0) return revision.downRevisions;
    const down = [...revision.downRevisions];
    for (const d of kept) if (!down.includes(d)) down.push(d);
    return down;
  });
}

import { AmbiguousStepError, MultipleHeadsError, RangeNotAncestorError } from '../errors.js';
import { filterForLineage } from './branch-lineage.js';
import { sortNewestFirst } from './newest-first.js';
import type { Revision } from './revision.js';
import { ancestorsOf, descendantsOf } from './revision-closure.js';
import { nodeOf, type RevisionGraph } from './revision-graph.js';
import { parseRevisionRange, type RevisionTarget } from './revision-target.js';
import { branchLabelOf } from './resolve-identifier.js';
import { resolveAnchoredTarget, resolveTarget } from './resolve-target.js';
import { downEndAsList, endAsList, walk, walkDown } from './revision-walk.js';

const BASE: RevisionTarget = { kind: 'symbol', symbol: 'base', branch: undefined };
const HEADS: RevisionTarget = { kind: 'symbol', symbol: 'heads', branch: undefined };

/**
 * The revisions of a `history` range `lower:upper`, newest first, both ends included
 * (Alembic's `iterate_revisions(upper, lower, inclusive=True)`). An empty end means `base`
 * or `heads`; `current` means the given database heads; `-N` as the lower end is N below
 * the upper end, `+N` as the upper end N above the lower end (both stop at the graph's
 * ends). `-N` counts through a merge as `downgrade` does: `-1:` at a merge lists the merge
 * and both its parents.
 *
 * ### Examples
 * ```ts
 * const wholeOrder = () => newestFirstOrder(graph);
 * revisionHistory(graph, 'base:heads', [], wholeOrder); // everything
 * revisionHistory(graph, '-3:', [], wholeOrder);        // the heads and three revisions below
 * ```
 * @param newestFirst gives the whole graph newest first as node indices (what `base:heads`
 *   prints); called only for a range that covers the whole graph, so that a caller can
 *   compute it once and keep it.
 * @throws {RangeNotAncestorError} when the lower end is not an ancestor of the upper end.
 * @throws {InvalidTargetError} for a malformed range.
 * @throws {AmbiguousStepError} (naming the whole range, each choice a whole range) for `+N` that meets a branch point.
 * @throws {RevisionNotFoundError}
 * @throws {MultipleHeadsError}
 */
export function revisionHistory(
  graph: RevisionGraph,
  range: string,
  currentHeads: readonly string[],
  newestFirst: () => Int32Array,
): readonly Revision[] {
  try {
    return historyOfRange(graph, range, currentHeads, newestFirst);
  } catch (error) {
    if (!(error instanceof AmbiguousStepError)) throw error;
    // Each choice as a whole range, the other end kept as written.
    const colon = range.indexOf(':');
    const [lower, upper] = [range.slice(0, colon), range.slice(colon + 1)];
    const withChoice = (choice: string): string => (error.target === (upper || 'heads') ? `${lower}:${choice}` : `${choice}:${upper}`);
    const choices = error.choices.map((choice) => ({ through: choice.through, target: withChoice(choice.target) }));
    throw new AmbiguousStepError(range, error.at, error.walk, choices);
  }
}

function historyOfRange(
  graph: RevisionGraph,
  range: string,
  currentHeads: readonly string[],
  newestFirst: () => Int32Array,
): readonly Revision[] {
  const parsed = parseRevisionRange(range);
  const lowerText = range.slice(0, range.indexOf(':')) || 'base';
  const upperText = range.slice(range.indexOf(':') + 1) || 'heads';
  const lowerTarget = parsed.lower ?? BASE;
  const upperTarget = parsed.upper ?? HEADS;

  let lower: readonly string[];
  let targets: readonly string[];
  if (upperTarget.kind === 'relative' && upperTarget.anchor === undefined && upperTarget.steps > 0) {
    lower = resolveTarget(graph, lowerTarget, lowerText, currentHeads);
    if (lower.length > 1) throw new MultipleHeadsError(lower, upperText);
    targets = endAsList(walk(graph, lower[0] ?? 'base', upperTarget.steps, upperTarget.branch, false, upperText));
  } else {
    targets = resolveAnchoredTarget(graph, upperTarget, upperText, currentHeads);
    if (lowerTarget.kind === 'relative' && lowerTarget.anchor === undefined && lowerTarget.steps < 0) {
      const starts = lowerTarget.branch === undefined ? targets : filterForLineage(graph, targets, lowerTarget.branch);
      const ends = starts.map((id) => walkDown(graph, id, lowerTarget.steps, false, lowerText));
      lower = [...new Set(ends.flatMap(downEndAsList))];
    } else {
      lower = resolveAnchoredTarget(graph, lowerTarget, lowerText, currentHeads);
    }
  }

  if (lowerTarget.branch !== undefined) {
    const label = branchLabelOf(graph, lowerTarget.branch);
    targets = targets.filter((id) => nodeOf(graph, id).labels.has(label));
  }

  const wholeGraph =
    lower.length === 0 &&
    lowerTarget.branch === undefined &&
    upperTarget.kind === 'symbol' &&
    upperTarget.symbol === 'heads' &&
    upperTarget.branch === undefined;
  // Every revision lies below some real head (through parents or dependencies): no walk needed.
  if (wholeGraph) {
    const order = newestFirst();
    const revisions = new Array<Revision>(order.length);
    for (let i = 0; i < order.length; i++) revisions[i] = graph.byIndex[order[i]!]!.revision;
    return revisions;
  }
  const required = ancestorsOf(graph, targets, true);
  if (lower.some((id) => !required.has(id))) throw new RangeNotAncestorError(lowerText, upperText);
  for (const id of ancestorsOf(graph, lower, true)) required.delete(id);
  for (const id of lower) required.add(id);
  if (lower.length > 0) {
    const above = descendantsOf(graph, lower, false);
    for (const id of required) if (!above.has(id)) required.delete(id);
  }
  return sortNewestFirst(graph, required, targets).map((id) => nodeOf(graph, id).revision);
}

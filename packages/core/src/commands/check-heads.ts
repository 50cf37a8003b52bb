import type { RevisionMap } from '../revision/revision-map.js';

/** One head of the scripts, as {@link checkHeads} reports it. */
export interface CheckedHead {
  readonly id: string;
  /** The migration file, when the revision came from one. */
  readonly path: string | undefined;
  /** Its branch labels, own and inherited. */
  readonly branchLabels: readonly string[];
}

/** A declared `expectedHeads` entry that names more than one head. */
export interface AmbiguousHeadEntry {
  readonly entry: string;
  readonly heads: readonly string[];
}

/** What {@link checkHeads} found: the heads, and how they differ from what was expected. */
export interface HeadsCheck {
  /** The heads are as expected: at most one, or exactly the declared ones. */
  readonly ok: boolean;
  /** The heads of the scripts (those `cgmigrate heads` lists), in the scripts' order. */
  readonly heads: readonly CheckedHead[];
  /** `expectedHeads` as declared, or `undefined`: then at most one head passes. */
  readonly expected: readonly string[] | undefined;
  /** Heads no declared entry names; without `expected`, every head when there are several. */
  readonly extra: readonly string[];
  /** Declared entries that name no head. */
  readonly missing: readonly string[];
  /** Declared entries that name several heads. */
  readonly ambiguous: readonly AmbiguousHeadEntry[];
}

/**
 * The pre-merge guard: whether the scripts have the heads they should. Without
 * `expectedHeads`, at most one head passes (two heads mean two branches were merged in
 * version control without `cgmigrate merge heads`). With it, the heads must be exactly
 * the declared ones: each entry, a branch label or a revision id or prefix, must name
 * exactly one head, and every head must be named by an entry. Pure and linear in the
 * number of heads and entries (a git hook runs it on every commit).
 *
 * A label names the heads that carry it (their own or inherited label); an id or prefix
 * names the head whose id starts with it. An entry that names a revision below a head
 * names no head: the head moved on, and the declaration should follow it.
 *
 * ### Examples
 * ```ts
 * const map = RevisionMap.from([rev('a'), rev('b1', 'a'), rev('b2', 'a')]);
 * checkHeads(map).ok;                   // false: extra ['b1', 'b2']
 * checkHeads(map, ['b1', 'b2']).ok;     // true
 * checkHeads(map, ['b1']).extra;        // ['b2']
 * checkHeads(map, ['b1', 'zz']).missing; // ['zz']
 * ```
 */
export function checkHeads(map: RevisionMap, expectedHeads?: readonly string[]): HeadsCheck {
  const heads = map.heads.map((id): CheckedHead => {
    const revision = map.get(id);
    return { id, path: revision.path, branchLabels: map.branchLabels(id) };
  });
  if (expectedHeads === undefined) {
    const extra = heads.length > 1 ? heads.map((head) => head.id) : [];
    return { ok: extra.length === 0, heads, expected: undefined, extra, missing: [], ambiguous: [] };
  }
  const named = new Set<string>();
  const missing: string[] = [];
  const ambiguous: AmbiguousHeadEntry[] = [];
  for (const entry of expectedHeads) {
    const matches = heads.filter((head) => head.branchLabels.includes(entry) || head.id.startsWith(entry)).map((head) => head.id);
    if (matches.length === 0) missing.push(entry);
    else if (matches.length > 1) ambiguous.push({ entry, heads: matches });
    for (const id of matches) named.add(id);
  }
  const extra = heads.map((head) => head.id).filter((id) => !named.has(id));
  return {
    ok: extra.length === 0 && missing.length === 0 && ambiguous.length === 0,
    heads,
    expected: expectedHeads,
    extra,
    missing,
    ambiguous,
  };
}

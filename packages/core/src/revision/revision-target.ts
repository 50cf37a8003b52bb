import { InvalidTargetError } from '../errors.js';

/** The symbols a target may name instead of a revision. `current` is the database's heads. */
export type RevisionSymbol = 'head' | 'heads' | 'base' | 'current';

/**
 * A parsed revision target, as given to `upgrade`, `downgrade`, `stamp` or one end of a
 * `history` range. `branch` is the part before `@`, when there is one.
 */
export type RevisionTarget =
  /** `head`, `heads`, `base`, `current`, `<branch>@head`, `<branch>@heads`, `<branch>@base`. */
  | { readonly kind: 'symbol'; readonly symbol: RevisionSymbol; readonly branch: string | undefined }
  /** A full id, a unique prefix or a branch label; `<branch>@<id-or-prefix>`. */
  | { readonly kind: 'revision'; readonly revision: string; readonly branch: string | undefined }
  /**
   * `+N` / `-N` (from the current revisions), `<anchor>+N` / `<anchor>-N` (from a revision
   * or symbol), each optionally `<branch>@…`. `steps` is never 0.
   */
  | {
      readonly kind: 'relative';
      readonly steps: number;
      readonly anchor: string | undefined;
      readonly branch: string | undefined;
    };

/** A `history` range `lower:upper`; an omitted end is `undefined` (base and heads). */
export interface RevisionRange {
  readonly lower: RevisionTarget | undefined;
  readonly upper: RevisionTarget | undefined;
}

const SYMBOLS: ReadonlySet<string> = new Set<RevisionSymbol>(['head', 'heads', 'base', 'current']);
const BRANCH = /^[^@:\s+]+$/;
const RELATIVE = /^(?:([^@]+)@)?([A-Za-z0-9_.]+)?([+-])(\d+)$/;

/**
 * Parses one revision target (not a range).
 *
 * ### Examples
 * ```ts
 * parseRevisionTarget('head')          // { kind: 'symbol', symbol: 'head', branch: undefined }
 * parseRevisionTarget('ae10+2')        // { kind: 'relative', steps: 2, anchor: 'ae10', branch: undefined }
 * parseRevisionTarget('shop@-1')       // { kind: 'relative', steps: -1, anchor: undefined, branch: 'shop' }
 * parseRevisionTarget('shop@ae10')     // { kind: 'revision', revision: 'ae10', branch: 'shop' }
 * ```
 * @throws {InvalidTargetError} for an empty target, a range, `+0`, `++1`, an empty branch
 *   or characters that cannot appear in a revision id.
 */
export function parseRevisionTarget(text: string): RevisionTarget {
  if (text.includes(':')) throw new InvalidTargetError(text, 'a range is not a single target');
  const relative = RELATIVE.exec(text);
  if (relative) {
    const [, branch, anchor, sign, digits = ''] = relative;
    if (branch !== undefined && !BRANCH.test(branch)) throw new InvalidTargetError(text, 'invalid branch name');
    const magnitude = Number(digits);
    if (magnitude === 0) throw new InvalidTargetError(text, 'a relative step must not be 0');
    if (!Number.isSafeInteger(magnitude)) throw new InvalidTargetError(text, 'the relative step is too large');
    if (anchor === 'current') throw new InvalidTargetError(text, "use '+N' or '-N' to move from the current revisions");
    return { kind: 'relative', steps: sign === '-' ? -magnitude : magnitude, anchor, branch };
  }
  const at = text.indexOf('@');
  const branch = at === -1 ? undefined : text.slice(0, at);
  const name = at === -1 ? text : text.slice(at + 1);
  if (branch !== undefined && !BRANCH.test(branch)) throw new InvalidTargetError(text, 'invalid branch name');
  if (name === '') throw new InvalidTargetError(text, 'no revision given');
  if (!BRANCH.test(name)) throw new InvalidTargetError(text, 'not a revision, branch label or symbol');
  if (SYMBOLS.has(name)) {
    if (name === 'current' && branch !== undefined) {
      throw new InvalidTargetError(text, "'current' cannot be qualified by a branch");
    }
    return { kind: 'symbol', symbol: name as RevisionSymbol, branch };
  }
  return { kind: 'revision', revision: name, branch };
}

/**
 * Parses a `history` range `lower:upper`; either end may be empty.
 *
 * ### Examples
 * ```ts
 * parseRevisionRange('base:head')   // both ends given
 * parseRevisionRange('-3:')         // from three below the heads, to the heads
 * parseRevisionRange('current:')    // from the database's revisions to the heads
 * ```
 * @throws {InvalidTargetError} when there is not exactly one `:`, or an end is invalid.
 */
export function parseRevisionRange(text: string): RevisionRange {
  const parts = text.split(':');
  if (parts.length !== 2) throw new InvalidTargetError(text, "a range is written 'lower:upper'");
  const [lower = '', upper = ''] = parts;
  return {
    lower: lower === '' ? undefined : parseRevisionTarget(lower),
    upper: upper === '' ? undefined : parseRevisionTarget(upper),
  };
}

/**
 * Writes a target back in the form {@link parseRevisionTarget} reads.
 *
 * ### Examples
 * ```ts
 * formatRevisionTarget({ kind: 'relative', steps: -1, anchor: undefined, branch: 'shop' }) // 'shop@-1'
 * ```
 */
export function formatRevisionTarget(target: RevisionTarget): string {
  const prefix = target.branch === undefined ? '' : `${target.branch}@`;
  switch (target.kind) {
    case 'symbol':
      return prefix + target.symbol;
    case 'revision':
      return prefix + target.revision;
    case 'relative':
      return `${prefix}${target.anchor ?? ''}${target.steps > 0 ? '+' : ''}${target.steps}`;
  }
}

/** Bytes of randomness in a revision id: 6 bytes, 12 hex characters, as Alembic's `uuid4().hex[-12:]`. */
const ID_BYTES = 6;

/**
 * Generates a new revision id: 12 lowercase hex characters.
 *
 * ### Examples
 * ```ts
 * generateRevisionId()                                                  // e.g. '3f9a0c81d2e4'
 * generateRevisionId(() => new Uint8Array([1, 2, 3, 4, 5, 255]))        // '0102030405ff'
 * ```
 * @param random - returns at least 6 random bytes; defaults to `crypto.getRandomValues`.
 * @throws {RangeError} when `random` returns fewer than 6 bytes.
 */
export function generateRevisionId(
  random: () => Uint8Array = () => crypto.getRandomValues(new Uint8Array(ID_BYTES)),
): string {
  const bytes = random();
  if (bytes.length < ID_BYTES) throw new RangeError(`a revision id needs ${ID_BYTES} random bytes, got ${bytes.length}`);
  let id = '';
  for (let i = 0; i < ID_BYTES; i++) id += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return id;
}

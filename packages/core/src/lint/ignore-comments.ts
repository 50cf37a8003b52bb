/**
 * `// cgmigrate-lint-ignore RULE_ID reason` comments in a migration file: each one, on
 * the line directly above a statement's `op` call (several may be stacked there, one
 * rule each), silences that rule for that statement. The reason is required: a comment
 * without one is a finding of its own, as is one naming no known rule.
 *
 * @packageDocumentation
 */

/** The comment's marker, after `//`. */
export const IGNORE_MARKER = 'cgmigrate-lint-ignore';

const IGNORE_COMMENT = new RegExp(String.raw`^\s*//\s*${IGNORE_MARKER}(?:\s+(\S+))?(?:\s+(.*\S))?\s*$`);

/** One ignore comment. */
export interface IgnoreComment {
  /** 1-based line of the comment. */
  readonly line: number;
  /** The rule it silences; absent when the comment names none. */
  readonly ruleId: string | undefined;
  /** Why; absent when the comment gives none. */
  readonly reason: string | undefined;
}

/** The ignore comments of one migration file, by line. */
export class IgnoreComments {
  readonly #byLine: ReadonlyMap<number, IgnoreComment>;

  private constructor(byLine: ReadonlyMap<number, IgnoreComment>) {
    this.#byLine = byLine;
  }

  /** Reads the comments of a file's text; a file without the marker costs one `includes`. */
  static read(source: string): IgnoreComments {
    const byLine = new Map<number, IgnoreComment>();
    if (source.includes(IGNORE_MARKER)) {
      source.split('\n').forEach((text, index) => {
        const match = IGNORE_COMMENT.exec(text);
        if (match !== null) byLine.set(index + 1, { line: index + 1, ruleId: match[1], reason: match[2] });
      });
    }
    return new IgnoreComments(byLine);
  }

  /** Every comment, in line order. */
  get all(): readonly IgnoreComment[] {
    return [...this.#byLine.values()];
  }

  /** The comments stacked directly above `line`: the rules silenced for a statement whose call is on that line. */
  above(line: number): IgnoreComment[] {
    const found: IgnoreComment[] = [];
    for (let at = line - 1; this.#byLine.has(at); at--) found.push(this.#byLine.get(at)!);
    return found;
  }
}

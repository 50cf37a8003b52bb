/**
 * One block of an offline script: statements that run in one transaction, or outside
 * any (a `transactional: false` migration). Comments are kept in order with them.
 */
export interface OfflineBlock {
  readonly transactional: boolean;
  /** The block's lines in order: statements (without `;`) and comments (`-- …`). */
  readonly entries: readonly OfflineEntry[];
}

/** A statement or a comment of an {@link OfflineBlock}. */
export type OfflineEntry = { readonly kind: 'statement'; readonly sql: string } | { readonly kind: 'comment'; readonly text: string };

/**
 * Collects an offline script as it is rendered. A transaction that ends up with no
 * statement leaves nothing behind (no empty `BEGIN; COMMIT;`).
 */
export class OfflineScriptBuilder {
  readonly #blocks: { transactional: boolean; entries: OfflineEntry[] }[] = [];
  #open: { transactional: boolean; entries: OfflineEntry[] } | undefined;

  /** Starts a block; statements until {@link end} belong to it. */
  begin(transactional: boolean): void {
    this.#open = { transactional, entries: [] };
  }

  /** Ends the current block; kept only if it holds a statement. */
  end(): void {
    const block = this.#open;
    this.#open = undefined;
    if (block && block.entries.some((entry) => entry.kind === 'statement')) this.#blocks.push(block);
  }

  /** Appends a statement to the current block (or to a block of its own outside any transaction). */
  statement(sql: string): void {
    this.#target().entries.push({ kind: 'statement', sql: sql.trim().replace(/;\s*$/, '') });
  }

  /** Appends a `-- text` comment. */
  comment(text: string): void {
    this.#target().entries.push({ kind: 'comment', text });
  }

  /** The blocks collected so far. */
  get blocks(): readonly OfflineBlock[] {
    return this.#blocks;
  }

  #target(): { transactional: boolean; entries: OfflineEntry[] } {
    if (this.#open) return this.#open;
    const loose = { transactional: false, entries: [] as OfflineEntry[] };
    this.#blocks.push(loose);
    return loose;
  }
}

/** How {@link renderOfflineScript} frames transactions. */
export interface ScriptFraming {
  /** Lines printed once before the first block (see `OfflineRenderer.preamble`). */
  readonly preamble?: readonly string[] | undefined;
  readonly beginTransaction: readonly string[];
  readonly commitTransaction: string;
}

/**
 * The script as text, in Alembic's `--sql` layout: each statement ends with `;` and is
 * followed by a blank line, each step is announced by a `-- Running …` comment, and
 * each transaction is framed by the dialect's `BEGIN` and `COMMIT`. The dialect's
 * preamble, if any, comes first.
 */
export function renderOfflineScript(blocks: readonly OfflineBlock[], framing: ScriptFraming): string {
  const parts: string[] = [];
  if (framing.preamble && framing.preamble.length > 0) parts.push(`${framing.preamble.join('\n')}\n`);
  for (const block of blocks) {
    if (block.transactional) for (const sql of framing.beginTransaction) parts.push(`${sql};\n`);
    for (const entry of block.entries) {
      parts.push(entry.kind === 'statement' ? `${terminated(entry.sql)}\n` : `-- ${entry.text.replaceAll('\n', ' ')}\n`);
    }
    if (block.transactional) parts.push(`${framing.commitTransaction};\n`);
  }
  return parts.join('\n');
}

/** The statement with its `;`, on a line of its own when the last line may end in a `--` comment that would swallow it. */
function terminated(sql: string): string {
  const lastLine = sql.slice(sql.lastIndexOf('\n') + 1);
  return lastLine.includes('--') ? `${sql}\n;` : `${sql};`;
}

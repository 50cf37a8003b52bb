import type { RevisionSummary } from '@cloudguard/migrate-core';

/** The diagram languages `history --format` writes. */
export const DIAGRAM_FORMATS = ['mermaid', 'dot'] as const;
/** One of {@link DIAGRAM_FORMATS}. */
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** How long an id is in a diagram's labels; Alembic's ids are this long. */
const SHORT_ID = 12;

/**
 * The revision graph as a Mermaid flowchart (`graph BT`: the base at the bottom, heads
 * on top), for Markdown docs and pull requests. Each revision is a node labelled with
 * its short id, branch labels and first message line; an arrow runs from each parent to
 * its child, a dotted one from each `dependsOn` revision. Revisions the database is at
 * get the `current` class (bold, filled), heads the `head` class. Parents outside
 * `revisions` (a range) are left out. Linear in the number of revisions.
 *
 * ### Examples
 * ```ts
 * formatMermaid(history.revisions)
 * // 'graph BT\n  r0["b2 Add B"]\n  r1["a1 Base"]\n  r1 --> r0\n  …'
 * ```
 */
export function formatMermaid(revisions: readonly RevisionSummary[]): string {
  const node = nodeNames(revisions);
  const lines = ['graph BT'];
  for (const rev of revisions) lines.push(`  ${node.get(rev.id)!}["${labelLines(rev).map(mermaidText).join('<br/>')}"]`);
  for (const rev of revisions) {
    for (const parent of rev.downRevisions) if (node.has(parent)) lines.push(`  ${node.get(parent)!} --> ${node.get(rev.id)!}`);
    for (const dependency of rev.dependsOn) if (node.has(dependency)) lines.push(`  ${node.get(dependency)!} -.-> ${node.get(rev.id)!}`);
  }
  lines.push('  classDef head stroke-width:2px', '  classDef current fill:#d6f5d6,stroke:#2e7d32,stroke-width:3px,font-weight:bold');
  const heads = revisions.filter((rev) => rev.isHead && !rev.isCurrent).map((rev) => node.get(rev.id)!);
  const current = revisions.filter((rev) => rev.isCurrent).map((rev) => node.get(rev.id)!);
  if (heads.length > 0) lines.push(`  class ${heads.join(',')} head`);
  if (current.length > 0) lines.push(`  class ${current.join(',')} current`);
  return lines.join('\n');
}

/**
 * The revision graph as a Graphviz `digraph` (render with `dot -Tsvg`): boxes labelled
 * with short id, branch labels and first message line, an edge from each parent to its
 * child (dashed from each `dependsOn` revision), heads in bold, the revisions the
 * database is at filled. Parents outside `revisions` are left out. Linear in the number
 * of revisions.
 *
 * ### Examples
 * ```ts
 * formatDot(history.revisions)
 * // 'digraph revisions {\n  rankdir=BT;\n  …\n  "a1" -> "b2";\n}'
 * ```
 */
export function formatDot(revisions: readonly RevisionSummary[]): string {
  const shown = new Set(revisions.map((rev) => rev.id));
  const lines = ['digraph revisions {', '  rankdir=BT;', '  node [shape=box, fontname="monospace"];'];
  for (const rev of revisions) {
    const style = rev.isCurrent ? ', style="filled,bold", fillcolor="#d6f5d6"' : rev.isHead ? ', style=bold' : '';
    lines.push(`  ${dotString(rev.id)} [label=${dotString(labelLines(rev).join('\n'))}${style}];`);
  }
  for (const rev of revisions) {
    for (const parent of rev.downRevisions) if (shown.has(parent)) lines.push(`  ${dotString(parent)} -> ${dotString(rev.id)};`);
    for (const dependency of rev.dependsOn) {
      if (shown.has(dependency)) lines.push(`  ${dotString(dependency)} -> ${dotString(rev.id)} [style=dashed];`);
    }
  }
  lines.push('}');
  return lines.join('\n');
}

/** `ae1027a6acf (cart) (current)`, then the first line of the message if there is one. */
function labelLines(rev: RevisionSummary): string[] {
  let head = rev.id.slice(0, SHORT_ID);
  if (rev.branchLabels.length > 0) head += ` (${rev.branchLabels.join(', ')})`;
  if (rev.isCurrent) head += ' (current)';
  const message = (rev.message ?? '').trim().split('\n')[0] ?? '';
  return message === '' ? [head] : [head, message];
}

/** Mermaid node names: `r0`, `r1`… (revision ids may hold characters Mermaid reserves). */
function nodeNames(revisions: readonly RevisionSummary[]): Map<string, string> {
  return new Map(revisions.map((rev, index) => [rev.id, `r${index}`]));
}

/** A label safe inside Mermaid's `["…"]`: quotes and markup characters as entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[&"<>#]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A double-quoted DOT string. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

import type { RevisionSummary } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { formatDot, formatMermaid } from '../../src/render/graph/diagram.js';
import { formatTerminalGraph } from '../../src/render/graph/terminal-graph.js';

/** Revisions as `history` returns them; children and marks are derived from the parents. */
function history(spec: readonly [id: string, down: string[], message: string, extra?: Partial<RevisionSummary>][]): RevisionSummary[] {
  const children = new Map<string, string[]>();
  for (const [id, down] of spec) for (const parent of down) children.set(parent, [...(children.get(parent) ?? []), id]);
  return spec.map(([id, down, message, extra]) => {
    const next = children.get(id) ?? [];
    return {
      id,
      downRevisions: down,
      nextRevisions: next,
      dependsOn: [],
      branchLabels: [],
      message,
      path: undefined,
      isHead: next.length === 0,
      isEffectiveHead: false,
      isBase: down.length === 0,
      isBranchPoint: next.length > 1,
      isMergePoint: down.length > 1,
      ...extra,
    };
  });
}

/** Alembic's branching tutorial, merged and continued; the database at the merge. */
const BRANCHED = history([
  ['e5', ['d4'], 'Add cart total', { dependsOn: ['c3'] }],
  ['d4', ['b2', 'c3'], 'Merge heads', { isCurrent: true }],
  ['c3', ['a1'], 'Create "carts"', { branchLabels: ['cart'] }],
  ['b2', ['a1'], 'Add account name'],
  ['a1', [], 'Create accounts'],
]);

describe('formatTerminalGraph', () => {
  it('draws a branch point, a merge and the current revision (checked by hand)', () => {
    expect(formatTerminalGraph(BRANCHED)).toBe(
      [
        '* e5 (head), Add cart total',
        '@   d4 (current) (mergepoint), Merge heads',
        '|\\',
        '| * c3 (cart), Create "carts"',
        '* | b2, Add account name',
        '|/',
        '* a1 (branchpoint), Create accounts',
      ].join('\n'),
    );
  });

  it('gives independent branches their own lanes, and moves a lane left when one ends', () => {
    const revisions = history([
      ['n2', ['n1'], 'Add routes', { branchLabels: ['networking'] }],
      ['s2', ['s1'], 'Add prices', { branchLabels: ['shop'] }],
      ['n1', [], 'Create networks', { branchLabels: ['networking'] }],
      ['s1', [], 'Create products', { branchLabels: ['shop'] }],
    ]);
    expect(formatTerminalGraph(revisions)).toBe(
      [
        '* n2 (networking) (head), Add routes',
        '| * s2 (shop) (head), Add prices',
        '* | n1 (networking), Create networks',
        ' /',
        '* s1 (shop), Create products',
      ].join('\n'),
    );
  });

  it('opens a lane per parent of a merge of three, and folds them back at the branch point', () => {
    const revisions = history([
      ['m', ['x', 'y', 'z'], 'Merge three'],
      ['x', ['r'], 'X'],
      ['y', ['r'], 'Y'],
      ['z', ['r'], 'Z'],
      ['r', [], 'Root'],
    ]);
    expect(formatTerminalGraph(revisions)).toBe(
      [
        '*     m (head) (mergepoint), Merge three',
        '|\\ \\',
        '* | | x, X',
        '| * | y, Y',
        '| | * z, Z',
        '|/_/',
        '* r (branchpoint), Root',
      ].join('\n'),
    );
  });

  it('ends lanes at the edge of a range', () => {
    expect(formatTerminalGraph(BRANCHED.slice(0, 4))).toBe(
      [
        '* e5 (head), Add cart total',
        '@   d4 (current) (mergepoint), Merge heads',
        '|\\',
        '| * c3 (cart), Create "carts"',
        '* b2, Add account name',
      ].join('\n'),
    );
  });

  it('draws a long linear history as one lane, in one pass', () => {
    const count = 20_000;
    const ids = Array.from({ length: count }, (_v, i) => `r${count - i}`);
    const revisions = history(ids.map((id, i) => [id, i + 1 < count ? [ids[i + 1]!] : [], `Step ${count - i}`] as [string, string[], string]));
    const lines = formatTerminalGraph(revisions).split('\n');
    expect(lines).toHaveLength(count);
    expect(lines[0]).toBe(`* r${count} (head), Step ${count}`);
    expect(lines.at(-1)).toBe('* r1, Step 1');
  });

  it('prints nothing for no revisions', () => {
    expect(formatTerminalGraph([])).toBe('');
  });
});

describe('formatMermaid', () => {
  it('writes a bottom-up flowchart with parents, dependencies, labels and the current revision (checked by hand)', () => {
    expect(formatMermaid(BRANCHED)).toBe(
      [
        'graph BT',
        '  r0["e5<br/>Add cart total"]',
        '  r1["d4 (current)<br/>Merge heads"]',
        '  r2["c3 (cart)<br/>Create #34;carts#34;"]',
        '  r3["b2<br/>Add account name"]',
        '  r4["a1<br/>Create accounts"]',
        '  r1 --> r0',
        '  r2 -.-> r0',
        '  r3 --> r1',
        '  r2 --> r1',
        '  r4 --> r2',
        '  r4 --> r3',
        '  classDef head stroke-width:2px',
        '  classDef current fill:#d6f5d6,stroke:#2e7d32,stroke-width:3px,font-weight:bold',
        '  class r0 head',
        '  class r1 current',
      ].join('\n'),
    );
  });
});

describe('formatDot', () => {
  it('writes a digraph with escaped labels, dashed dependencies, bold heads and the current revision filled (checked by hand)', () => {
    expect(formatDot(BRANCHED)).toBe(
      [
        'digraph revisions {',
        '  rankdir=BT;',
        '  node [shape=box, fontname="monospace"];',
        '  "e5" [label="e5\\nAdd cart total", style=bold];',
        '  "d4" [label="d4 (current)\\nMerge heads", style="filled,bold", fillcolor="#d6f5d6"];',
        '  "c3" [label="c3 (cart)\\nCreate \\"carts\\""];',
        '  "b2" [label="b2\\nAdd account name"];',
        '  "a1" [label="a1\\nCreate accounts"];',
        '  "d4" -> "e5";',
        '  "c3" -> "e5" [style=dashed];',
        '  "b2" -> "d4";',
        '  "c3" -> "d4";',
        '  "a1" -> "c3";',
        '  "a1" -> "b2";',
        '}',
      ].join('\n'),
    );
  });

  it('leaves out parents outside a range', () => {
    expect(formatDot(BRANCHED.slice(0, 2))).not.toContain('"b2" ->');
  });
});

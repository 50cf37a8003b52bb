import { describe, expect, it } from 'vitest';
import { checkGraphHeads, checkRevisionGraph } from '../../src/commands/verify-graph.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { createRevision, type RevisionInput } from '../../src/revision/revision.js';

const rev = (input: RevisionInput) => createRevision({ path: `/app/versions/${input.id}.ts`, ...input });

describe('the graph check of verify', () => {
  it('reports every fault of the graph at once, each with its revision and file, where building the graph stops at the first', () => {
    const revisions = [
      rev({ id: 'a' }),
      rev({ id: 'b', downRevisions: 'a', branchLabels: 'shop' }),
      rev({ id: 'b', downRevisions: 'a', path: '/app/versions/b_copy.ts' }),
      rev({ id: 'c', downRevisions: 'gone' }),
      rev({ id: 'd', downRevisions: 'b', dependsOn: 'nowhere', branchLabels: 'shop' }),
      rev({ id: 'x', downRevisions: 'y' }),
      rev({ id: 'y', downRevisions: 'x' }),
      rev({ id: 'z', downRevisions: 'x' }),
    ];
    expect(() => RevisionMap.from(revisions)).toThrow();

    const { findings, map } = checkRevisionGraph(revisions);

    expect(map).toBeUndefined();
    expect(findings.map((finding) => [finding.code, finding.revision ?? finding.revisions?.join(',')])).toEqual([
      ['VERIFY_DUPLICATE_REVISION', 'b'],
      ['VERIFY_DUPLICATE_BRANCH_LABEL', 'd'],
      ['VERIFY_MISSING_PARENT', 'c'],
      ['VERIFY_MISSING_PARENT', 'd'],
      // As Alembic reports a cycle: its members and what only they lead to.
      ['VERIFY_REVISION_CYCLE', 'x,y,z'],
    ]);
    expect(findings[0]).toMatchObject({ path: '/app/versions/b_copy.ts', paths: ['/app/versions/b.ts', '/app/versions/b_copy.ts'] });
    expect(findings[2]?.message).toBe("Revision c (/app/versions/c.ts) revises 'gone', which is not present");
    expect(findings[3]?.message).toBe("Revision d (/app/versions/d.ts) depends on 'nowhere', which is not present");
    expect(findings[4]?.message).toContain('x (/app/versions/x.ts), y (/app/versions/y.ts)');
  });

  it('returns the graph when it has no fault', () => {
    const { findings, map } = checkRevisionGraph([rev({ id: 'a' }), rev({ id: 'b', downRevisions: 'a' })]);
    expect(findings).toEqual([]);
    expect(map?.heads).toEqual(['b']);
  });

  it('names every head and its file when there are several', () => {
    const map = RevisionMap.from([rev({ id: 'a' }), rev({ id: 'b1', downRevisions: 'a' }), rev({ id: 'b2', downRevisions: 'a' })]);
    expect(checkGraphHeads(map, undefined)).toEqual([
      {
        code: 'VERIFY_MULTIPLE_HEADS',
        check: 'graph',
        message: 'The revision graph has 2 heads (b1 (/app/versions/b1.ts), b2 (/app/versions/b2.ts)); merge them with `merge heads`',
        revisions: ['b1', 'b2'],
        paths: ['/app/versions/b1.ts', '/app/versions/b2.ts'],
      },
    ]);
    expect(checkGraphHeads(RevisionMap.from([rev({ id: 'a' })]), undefined)).toEqual([]);
  });

  it('accepts the heads the config declares, and names the ones it does not', () => {
    const map = RevisionMap.from([rev({ id: 'a' }), rev({ id: 'b1', downRevisions: 'a' }), rev({ id: 'b2', downRevisions: 'a' })]);
    expect(checkGraphHeads(map, ['b1', 'b2'])).toEqual([]);
    const [finding, ...rest] = checkGraphHeads(map, ['b1']);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ code: 'VERIFY_UNEXPECTED_HEADS', check: 'graph', revisions: ['b2'], paths: ['/app/versions/b2.ts'] });
    expect(finding?.message).toContain('b2 (/app/versions/b2.ts)');
  });
});

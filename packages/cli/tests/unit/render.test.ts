import type { RevisionSummary, StepInfo } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { errorJson, formatError, type ErrorReport } from '../../src/render/error.js';
import { formatNothingToDo } from '../../src/render/migrate.js';
import {
  formatBranchPoint,
  formatCurrentLine,
  formatHeadLine,
  formatHistoryLine,
  formatRevisionEntries,
  formatRevisionEntry,
} from '../../src/render/revisions.js';
import { formatDuration, formatEvent } from '../../src/render/steps.js';
import type { Paint } from '../../src/render/style.js';

function rev(id: string, down: string[], extra: Partial<RevisionSummary> = {}): RevisionSummary {
  return {
    id,
    downRevisions: down,
    nextRevisions: [],
    dependsOn: [],
    branchLabels: [],
    message: `Message of ${id}`,
    path: `/m/versions/${id}.ts`,
    isHead: false,
    isEffectiveHead: false,
    isBase: down.length === 0,
    isBranchPoint: false,
    isMergePoint: down.length > 1,
    ...extra,
  };
}

describe('history lines (Alembic cmd_format)', () => {
  it('marks a root with <base> and a head with (head)', () => {
    expect(formatHistoryLine(rev('000001', []))).toBe('<base> -> 000001, Message of 000001');
    expect(formatHistoryLine(rev('000002', ['000001'], { isHead: true }))).toBe(
      '000001 -> 000002 (head), Message of 000002',
    );
  });

  it('marks branch points, merge points, labels, dependencies and current', () => {
    expect(formatHistoryLine(rev('b', ['a'], { isBranchPoint: true, isCurrent: true }))).toBe(
      'a -> b (current) (branchpoint), Message of b',
    );
    expect(formatHistoryLine(rev('m', ['c1', 'c2'], { isHead: true }))).toBe('c1, c2 -> m (head) (mergepoint), Message of m');
    expect(formatHistoryLine(rev('r', ['a'], { branchLabels: ['reporting'], dependsOn: ['x'] }))).toBe(
      'a (x) -> r (reporting), Message of r',
    );
  });

  it('leaves out the message when there is none, and keeps its first paragraph only', () => {
    expect(formatHistoryLine(rev('a', [], { message: undefined }))).toBe('<base> -> a');
    expect(formatHistoryLine(rev('a', [], { message: 'Title\n\nLong text' }))).toBe('<base> -> a, Title');
  });
});

describe('current lines', () => {
  it('prints "<rev> (head)" at a head and the bare id elsewhere', () => {
    expect(formatCurrentLine(rev('ae1027', ['x'], { isHead: true }))).toBe('ae1027 (head)');
    expect(formatCurrentLine(rev('ae1027', ['x']))).toBe('ae1027');
  });
});

describe('heads lines (Alembic heads)', () => {
  it('shows labels and (head), but no branch or merge marks', () => {
    expect(formatHeadLine(rev('m', ['c1', 'c2'], { isHead: true }))).toBe('m (head)');
    expect(formatHeadLine(rev('2a95', ['109e'], { isHead: true, branchLabels: ['networking'] }))).toBe(
      '2a95 (networking) (head)',
    );
  });

  it('marks a head that another revision depends on as (effective head)', () => {
    expect(formatHeadLine(rev('53ff', ['x'], { isHead: true, isEffectiveHead: true }))).toBe('53ff (effective head)');
  });
});

describe('branches blocks (Alembic branches)', () => {
  const point = rev('1975ea83b712', [], { isBranchPoint: true, nextRevisions: ['ae1027a6acf', '27c6a30d7c24'] });
  const children = [rev('ae1027a6acf', ['1975ea83b712'], { isHead: true }), rev('27c6a30d7c24', ['1975ea83b712'], { isHead: true })];

  it('indents the arrows to the end of the branch point id', () => {
    expect(formatBranchPoint(point, children)).toBe(
      '1975ea83b712 (branchpoint)\n' +
        '             -> ae1027a6acf (head)\n' +
        '             -> 27c6a30d7c24 (head)\n',
    );
  });

  it('prints the full entry and the messages when verbose', () => {
    expect(formatBranchPoint(point, children, { verbose: true })).toBe(
      'Rev: 1975ea83b712 (branchpoint)\nParent: <base>\nBranches into: ae1027a6acf, 27c6a30d7c24\n' +
        'Path: /m/versions/1975ea83b712.ts\n\n    Message of 1975ea83b712\n\n' +
        '             -> ae1027a6acf (head), Message of ae1027a6acf\n' +
        '             -> 27c6a30d7c24 (head), Message of 27c6a30d7c24\n',
    );
  });
});

describe('verbose entries (Alembic log_entry)', () => {
  it('puts (current) after the tree marks, as log_entry does', () => {
    expect(formatRevisionEntry(rev('b', ['a'], { isHead: true, isBranchPoint: true, isCurrent: true }))).toMatch(
      /^Rev: b \(head\) \(branchpoint\) \(current\)\n/,
    );
  });

  it('shows dependencies and branch names', () => {
    expect(formatRevisionEntry(rev('2a95', ['109e'], { dependsOn: ['ae10'], branchLabels: ['networking'] }))).toBe(
      'Rev: 2a95\nParent: 109e\nAlso depends on: ae10\nBranch names: networking\nPath: /m/versions/2a95.ts\n\n    Message of 2a95\n',
    );
  });

  it('shows parent, path and the indented message', () => {
    expect(formatRevisionEntry(rev('b', ['a'], { isHead: true }))).toBe(
      'Rev: b (head)\nParent: a\nPath: /m/versions/b.ts\n\n    Message of b\n',
    );
  });

  it('shows when and by whom it was applied, then the accepted edit: who, when, why, old -> new checksum', () => {
    const acceptedEdit = {
      acceptedAt: new Date('2024-11-16T10:00:00.000Z'),
      acceptedBy: 'alice',
      host: 'build-7',
      reason: 'reformatted',
      previousChecksum: '8d0c3a5944e2'.padEnd(64, '0'),
      checksum: '6084ba4c99c3'.padEnd(64, '1'),
      toolVersion: '0.1.0',
    };
    const entry = rev('b', ['a'], { appliedAt: new Date('2024-11-15T09:00:00.000Z'), appliedBy: 'deploy', acceptedEdit });
    expect(formatRevisionEntry(entry)).toBe(
      'Rev: b\nParent: a\nPath: /m/versions/b.ts\nApplied: 2024-11-15T09:00:00.000Z by deploy\n' +
        'Edit accepted: 2024-11-16T10:00:00.000Z by alice on build-7: "reformatted" (SHA-256 8d0c3a5944e2 -> 6084ba4c99c3)\n\n    Message of b\n',
    );
  });

  it('lists the branches of a branch point', () => {
    const text = formatRevisionEntries([
      rev('c1', ['a'], { isHead: true }),
      rev('a', [], { isBranchPoint: true, nextRevisions: ['c1', 'c2'] }),
    ]);
    expect(text).toContain('Rev: a (branchpoint)\nParent: <base>\nBranches into: c1, c2\n');
  });
});

describe('progress events', () => {
  const step: StepInfo = {
    direction: 'upgrade',
    revision: '000001',
    from: [],
    to: ['000001'],
    message: 'Initial schema',
    transactional: true,
    path: undefined,
  };

  it("uses Alembic's wording", () => {
    expect(formatEvent({ type: 'step-start', step })).toBe('Running upgrade  -> 000001, Initial schema');
  });

  it('prints stamp steps without a message, as Alembic does', () => {
    expect(formatEvent({ type: 'step-start', step: { ...step, direction: 'stamp' } })).toBe(
      'Running stamp_revision  -> 000001',
    );
  });

  it('reports durations only when verbose', () => {
    expect(formatEvent({ type: 'step-end', step, durationMs: 12.3 })).toBeUndefined();
    expect(formatEvent({ type: 'step-end', step, durationMs: 12.3 }, { verbose: true })).toBe('  done in 12 ms');
    expect(formatDuration(1530)).toBe('1.5 s');
  });

  it('styles only the verb, so the plain text stays greppable', () => {
    const paint: Paint = (style, text) => `<${style}>${text}</${style}>`;
    expect(formatEvent({ type: 'step-start', step }, { paint })).toBe(
      '<cyan>Running upgrade</cyan>  -> 000001, Initial schema',
    );
    expect(formatEvent({ type: 'warning', message: 'careful' })).toBe('Warning: careful');
  });

  it('says when there was nothing to do', () => {
    expect(formatNothingToDo({ from: [], to: [], steps: [] })).toBe('Nothing to do: the database is already at base.');
    expect(formatNothingToDo({ from: ['a'], to: ['a'], steps: [] })).toBe('Nothing to do: the database is already at a.');
  });
});

describe('errors', () => {
  const report: ErrorReport = {
    code: 'REVISION_NOT_FOUND',
    message: "Can't locate revision identified by 'x'",
    hint: 'Run `cgmigrate history` to list the revisions.',
    exitCode: 2,
    data: { revision: 'x', source: 'argument' },
    causes: ['Error: inner'],
  };

  it('prints the code, the message and the hint on separate, unwrapped lines', () => {
    expect(formatError(report)).toBe(
      "Error [REVISION_NOT_FOUND]: Can't locate revision identified by 'x'\nHint: Run `cgmigrate history` to list the revisions.\n" +
        'See: cgmigrate explain REVISION_NOT_FOUND',
    );
    expect(formatError(report, { bin: 'migrate' })).toMatch(/\nSee: migrate explain REVISION_NOT_FOUND$/);
    expect(formatError(report, { verbose: true })).toContain('\nCaused by: Error: inner\n');
  });

  it('puts code, message, hint, exit status and data fields in the JSON', () => {
    expect(errorJson(report)).toEqual({
      error: {
        code: 'REVISION_NOT_FOUND',
        message: "Can't locate revision identified by 'x'",
        hint: 'Run `cgmigrate history` to list the revisions.',
        docs: 'cgmigrate explain REVISION_NOT_FOUND',
        exitCode: 2,
        revision: 'x',
        source: 'argument',
      },
    });
  });
});

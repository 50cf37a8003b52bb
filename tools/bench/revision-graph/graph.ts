/**
 * The revision graphs a workload is made of: pure and deterministic, so two runs
 * (and the three tools within one run) see the same ids and the same shape.
 */
import { createHash } from 'node:crypto';
import type { TwinRevision } from '../../alembic/alembic-project.ts';

/** The shapes of history a workload can have. */
export type GraphShape = 'linear' | 'branched';

/** Every `BRANCH_EVERY` revisions, two lines of `BRANCH_LINE` revisions each fork off the trunk and merge again. */
export const BRANCH_EVERY = 50;
const BRANCH_LINE = 5;

/** A generated history: revisions oldest first (parents before children) and the one head. */
export interface RevisionGraph {
  readonly shape: GraphShape;
  readonly revisions: readonly TwinRevision[];
  readonly head: string;
  /** How many revisions have two parents. */
  readonly merges: number;
}

/** Alembic-style 12-hex-digit id, derived from the shape and position so every run agrees. */
export function revisionId(shape: GraphShape, index: number): string {
  return createHash('sha256').update(`${shape}:${index}`).digest('hex').slice(0, 12);
}

/**
 * Builds `count` revisions. `linear`: each revises the one before. `branched`: blocks
 * of {@link BRANCH_EVERY} revisions, each a trunk whose last revision is a branch
 * point for two lines of five revisions that a merge revision joins; the history
 * still ends in a single head.
 */
export function buildGraph(shape: GraphShape, count: number): RevisionGraph {
  const revisions: TwinRevision[] = [];
  const add = (parents: readonly string[]): string => {
    const index = revisions.length;
    const id = revisionId(shape, index);
    revisions.push({ id, parents, ...migrationBody(index) });
    return id;
  };

  let tip: string | undefined;
  let merges = 0;
  const trunkPerBlock = BRANCH_EVERY - 2 * BRANCH_LINE - 1;
  while (revisions.length < count) {
    const left = count - revisions.length;
    const branchHere = shape === 'branched' && left >= BRANCH_EVERY;
    const trunk = branchHere ? trunkPerBlock : left;
    for (let i = 0; i < trunk; i++) tip = add(tip === undefined ? [] : [tip]);
    if (!branchHere || tip === undefined) continue;
    const branchPoint: string = tip;
    const ends = [0, 1].map(() => {
      let end = branchPoint;
      for (let i = 0; i < BRANCH_LINE; i++) end = add([end]);
      return end;
    });
    tip = add(ends);
    merges++;
  }
  assertUniqueIds(revisions);
  if (tip === undefined) throw new Error('a workload needs at least one revision');
  return { shape, revisions, head: tip, merges };
}

function migrationBody(index: number): Pick<TwinRevision, 'up' | 'down' | 'message'> {
  const table = `t_${String(index).padStart(5, '0')}`;
  return {
    message: `Create table ${table}`,
    up: [`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, name VARCHAR(50))`],
    down: [`DROP TABLE ${table}`],
  };
}

function assertUniqueIds(revisions: readonly TwinRevision[]): void {
  const seen = new Set<string>();
  for (const { id } of revisions) {
    if (seen.has(id)) throw new Error(`revision id collision: ${id}; change revisionId()`);
    seen.add(id);
  }
}

/** Issue 4's speed targets, as ratios of medians from one run. */
import type { BenchRun } from './results.ts';
import { median } from './results.ts';

/** One target and how this run fared. */
export interface TargetResult {
  readonly target: string;
  readonly ratio: string;
  readonly required: string;
  /** `undefined` when a figure it needs was not measured. */
  readonly measured: number | undefined;
  readonly pass: boolean | undefined;
}

interface TargetSpec {
  readonly target: string;
  readonly numerator: readonly [workload: string, label: string];
  readonly denominator: readonly [workload: string, label: string];
  readonly required: string;
  readonly passes: (ratio: number) => boolean;
}

const atLeast = (times: number): Pick<TargetSpec, 'required' | 'passes'> => ({
  required: times === 1 ? '> 1×' : `≥ ${times}×`,
  passes: (ratio) => (times === 1 ? ratio > 1 : ratio >= times),
});
const atMost = (times: number): Pick<TargetSpec, 'required' | 'passes'> => ({ required: `≤ ${times}×`, passes: (ratio) => ratio <= times });

const CG = 'cgmigrate';
const SPECS: readonly TargetSpec[] = [
  { target: 'SQLite, 1,000: faster than knex', numerator: ['sqlite-1000', 'knex'], denominator: ['sqlite-1000', CG], ...atLeast(1) },
  { target: 'SQLite, 1,000: ≥ 8× faster than Alembic', numerator: ['sqlite-1000', 'alembic'], denominator: ['sqlite-1000', CG], ...atLeast(8) },
  {
    target: 'PostgreSQL, 1,000: within 1.2× of the floor',
    numerator: ['postgresql-1000', CG],
    denominator: ['postgresql-1000', 'floor: the same SQL'],
    ...atMost(1.2),
  },
  {
    target: 'SQLite, 1,000: schema operations within 1.15× of raw SQL',
    numerator: ['sqlite-1000', 'cgmigrate, schema operations'],
    denominator: ['sqlite-1000', CG],
    ...atMost(1.15),
  },
  { target: 'SQLite: 4,000 cost ≤ 4.5× 1,000', numerator: ['sqlite-4000', CG], denominator: ['sqlite-1000', CG], ...atMost(4.5) },
];

/** Every target, measured where this run has the figures. */
export function evaluateTargets(run: BenchRun): TargetResult[] {
  return SPECS.map((spec) => {
    const top = median(run, ...spec.numerator);
    const bottom = median(run, ...spec.denominator);
    const measured = top !== undefined && bottom !== undefined && bottom > 0 ? top / bottom : undefined;
    const [topWorkload, topLabel] = spec.numerator;
    const [bottomWorkload, bottomLabel] = spec.denominator;
    return {
      target: spec.target,
      ratio: topWorkload === bottomWorkload ? `${topLabel} ÷ ${bottomLabel}` : `${topLabel}: ${topWorkload} ÷ ${bottomWorkload}`,
      required: spec.required,
      measured,
      pass: measured === undefined ? undefined : spec.passes(measured),
    };
  });
}

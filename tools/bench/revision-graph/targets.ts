/** Issue 3's targets, as ratios of medians from one run. */
import { BRANCHED_10K, LINEAR_10K, LINEAR_1K } from './options.ts';
import { median, type BenchRun } from './results.ts';

/** One target and how this run fared. */
export interface TargetResult {
  readonly target: string;
  /** How the ratio is formed, e.g. `alembic current ÷ cgmigrate current`. */
  readonly ratio: string;
  readonly required: string;
  /** `undefined` when a figure it needs was not measured. */
  readonly measured: number | undefined;
  readonly pass: boolean | undefined;
}

interface TargetSpec {
  readonly target: string;
  readonly numerator: readonly [workload: string, command: string];
  readonly denominator: readonly [workload: string, command: string];
  readonly required: string;
  readonly passes: (ratio: number) => boolean;
}

const faster = (times: number): Pick<TargetSpec, 'required' | 'passes'> => ({
  required: times === 1 ? '> 1×' : `≥ ${times}×`,
  passes: (ratio) => (times === 1 ? ratio > 1 : ratio >= times),
});
const grows = (atMost: number): Pick<TargetSpec, 'required' | 'passes'> => ({
  required: `≤ ${atMost}×`,
  passes: (ratio) => ratio <= atMost,
});

const SPECS: readonly TargetSpec[] = [
  {
    target: '`cgmigrate --version` within 2.5× of `node -e 0` (issue 7)',
    numerator: [LINEAR_1K.id, 'cgmigrate --version'],
    denominator: [LINEAR_1K.id, 'node -e 0'],
    ...grows(2.5),
  },
  {
    target: '`current` at 1,000: ≥ 5× faster than Alembic',
    numerator: [LINEAR_1K.id, 'alembic current'],
    denominator: [LINEAR_1K.id, 'cgmigrate current'],
    ...faster(5),
  },
  {
    target: '`current` at 1,000: faster than knex',
    numerator: [LINEAR_1K.id, 'knex migrate:currentVersion'],
    denominator: [LINEAR_1K.id, 'cgmigrate current'],
    ...faster(1),
  },
  ...[LINEAR_10K, BRANCHED_10K].map((w) => ({
    target: `\`history\` at ${w.label}: ≥ 10× faster than Alembic`,
    numerator: [w.id, 'alembic history'] as const,
    denominator: [w.id, 'cgmigrate history'] as const,
    ...faster(10),
  })),
  ...['heads', 'history'].flatMap((verb) =>
    [LINEAR_10K, BRANCHED_10K].map((w) => ({
      target: `\`${verb}\` grows linearly: ${w.label} ÷ linear 1,000`,
      numerator: [w.id, `cgmigrate ${verb}`] as const,
      denominator: [LINEAR_1K.id, `cgmigrate ${verb}`] as const,
      ...grows(3),
    })),
  ),
];

/** Every target, measured where this run has the figures. */
export function evaluateTargets(run: BenchRun): TargetResult[] {
  return SPECS.map((spec) => {
    const top = median(run, ...spec.numerator);
    const bottom = median(run, ...spec.denominator);
    const measured = top !== undefined && bottom !== undefined && bottom > 0 ? top / bottom : undefined;
    return {
      target: spec.target,
      ratio: describeRatio(spec),
      required: spec.required,
      measured,
      pass: measured === undefined ? undefined : spec.passes(measured),
    };
  });
}

function describeRatio({ numerator: [topWorkload, top], denominator: [bottomWorkload, bottom] }: TargetSpec): string {
  if (topWorkload === bottomWorkload) return `${top} ÷ ${bottom}`;
  return `${top}: ${label(topWorkload)} ÷ ${label(bottomWorkload)}`;
}

function label(workloadId: string): string {
  return [LINEAR_1K, LINEAR_10K, BRANCHED_10K].find((w) => w.id === workloadId)?.label ?? workloadId;
}

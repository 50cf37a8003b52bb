/**
 * The setup's rounds: look at the machine, plan, and (as root) install the packages every
 * plan asks for with one apt-get, run the plans' commands, then look again, because what
 * comes next depends on what the last round left (an installed cluster that lets the tests
 * in or not). It ends with the variables for the test command: test clusters' URLs, and
 * for each requirement the tests cannot have, its skip variable set to the reason.
 */
import type { TestRequirement } from '../../test-db/test-requirements.ts';
import { hasWork, installSteps, shellLine, type RequirementPlan, type SetupStep } from './plan.ts';
import { needsRootLines } from './plan-text.ts';

/** What the rounds need from the outside world; tests pass fakes. */
export interface SetUpOptions {
  /** The requirements to look at (those the user asked to skip are left out). */
  readonly requirements: readonly TestRequirement[];
  /** Looks at the machine and plans one requirement. */
  readonly plan: (requirement: TestRequirement) => RequirementPlan;
  readonly root: boolean;
  /** Runs one command as root; throws when it fails. */
  readonly run: (step: SetupStep) => void;
  /** Writes one line for the user (stderr). */
  readonly log: (line: string) => void;
  /** The command that runs this setup, for "as root, run …". */
  readonly setupCommand: string;
  /** At most this many rounds of commands (an install, a start, a cluster, a start again). */
  readonly maxRounds?: number;
}

/** The setup failed as root: a command failed, or the commands did not change what they should have. */
export class SetUpError extends Error {
  override readonly name = 'SetUpError';
}

/**
 * Runs the rounds and returns the variables for the test command.
 *
 * @throws {SetUpError} as root, when a command fails or a requirement is still not met.
 */
export function setUpTestRequirements(options: SetUpOptions): Record<string, string> {
  const { requirements, root, log } = options;
  const planAll = () => requirements.map((requirement) => options.plan(requirement));
  let plans = planAll();
  for (let round = 1; root && round <= (options.maxRounds ?? 5); round++) {
    const todo = plans.filter(hasWork);
    if (todo.length === 0) break;
    const packages = [...new Set(todo.flatMap((plan) => plan.packages))];
    for (const step of installSteps(packages)) runLogged('test setup', step, options);
    for (const plan of todo) {
      log(`test setup: ${plan.requirement.name}: ${plan.found}.`);
      for (const step of plan.steps) runLogged(`test setup: ${plan.requirement.name}`, step, options);
    }
    const before = new Map(todo.map((plan) => [plan.requirement.tag, workOf(plan)]));
    plans = planAll();
    const stuck = plans.find((plan) => hasWork(plan) && before.get(plan.requirement.tag) === workOf(plan));
    if (stuck) throw new SetUpError(`${stuck.requirement.name}: still ${stuck.found} after the commands above`);
  }

  const env: Record<string, string> = {};
  for (const plan of plans) {
    const { name, skipVariable } = plan.requirement;
    if (plan.unavailable !== undefined) {
      env[skipVariable] = `${name}: ${plan.unavailable}`;
      log(`test setup: ${name}: ${plan.unavailable}. The tests that need ${name} are skipped.`);
    } else if (hasWork(plan)) {
      if (root) throw new SetUpError(`${name}: still ${plan.found}`);
      env[skipVariable] = `${name}: ${plan.found}, and setting it up needs root`;
      for (const line of needsRootLines(plan, options.setupCommand)) log(`test setup: ${line}`);
    } else {
      Object.assign(env, plan.env);
    }
  }
  return env;
}

function runLogged(prefix: string, step: SetupStep, options: SetUpOptions): void {
  options.log(`${prefix}: ${step.does}: ${shellLine(step)}`);
  try {
    options.run(step);
  } catch (error) {
    throw new SetUpError(`${prefix}: could not ${step.does}: ${(error as Error).message}`, { cause: error });
  }
}

function workOf(plan: RequirementPlan): string {
  return JSON.stringify([plan.packages, plan.steps.map((step) => step.argv)]);
}

/** A plan in words: what `--plan` prints, and what a user who is not root is told to run. */
import { hasWork, installSteps, shellLine, type RequirementPlan } from './plan.ts';

/** The plan's lines: what was found, each command with what it does, and what comes after. */
export function planLines(plan: RequirementPlan): string[] {
  const head = `${plan.requirement.name}: ${plan.found}.`;
  if (plan.unavailable !== undefined) return [head, `  Nothing here can help: the tests that need ${plan.requirement.name} are skipped.`];
  if (!hasWork(plan)) return [`${head} Nothing to do.`];
  return [
    head,
    ...[...installSteps(plan.packages), ...plan.steps].map((step) => `    ${shellLine(step)}    # ${step.does}`),
    ...(plan.next !== undefined ? [`  then ${plan.next}.`] : []),
  ];
}

/** What a user who is not root is told when a plan needs root: the commands, the one line that does it all, or their own. */
export function needsRootLines(plan: RequirementPlan, setupCommand: string): string[] {
  const { name, ownVariable } = plan.requirement;
  return [
    `${plan.requirement.name}: ${plan.found}. Setting it up needs root, so the tests that need ${name} are skipped. As root, run:`,
    ...planLines(plan).slice(1),
    `  Or let the setup do all of it:  sudo ${setupCommand}`,
    `  Or set ${ownVariable} to use your own.`,
  ];
}

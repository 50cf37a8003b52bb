/**
 * What a requirement of the tests needs done on this machine, decided from what is there
 * (the facts each requirement's module gathers). Deciding is kept apart from doing: the
 * planners are pure, so every path, the install from nothing included, is tested without
 * touching the machine, and `--plan` prints a plan without running it.
 */
import type { TestRequirement } from '../../test-db/test-requirements.ts';

/** One command the setup runs as root. */
export interface SetupStep {
  /** What it does, in words, for the log and the plan. */
  readonly does: string;
  readonly argv: readonly string[];
  /** Variables the command needs besides the caller's. */
  readonly env?: Readonly<Record<string, string>>;
  /** A command polled after this one until it exits 0: a server started in the background is up. */
  readonly until?: readonly string[];
}

/** What to do for one requirement, given what is there now. */
export interface RequirementPlan {
  readonly requirement: TestRequirement;
  /** What is there now, in words ("127.0.0.1:5432 lets postgres in without a password"). */
  readonly found: string;
  /** Debian packages to install first. */
  readonly packages: readonly string[];
  /** Commands to run once the packages are in, as root. */
  readonly steps: readonly SetupStep[];
  /** What is looked at next, once the packages and steps are done (the plan after them depends on it). */
  readonly next?: string;
  /** Variables the tests need when nothing is left to do (the URL of a test cluster). */
  readonly env: Readonly<Record<string, string>>;
  /** Set when nothing the setup can do would help: why the tests that need it are skipped. */
  readonly unavailable?: string;
}

/** Whether a login as the tests log in worked, and why not. */
export type Login = { readonly ok: true } | { readonly ok: false; readonly refused: boolean; readonly error: string };

/** A plan with nothing to do: the requirement is there. */
export function ready(requirement: TestRequirement, found: string, env: Record<string, string> = {}): RequirementPlan {
  return { requirement, found, packages: [], steps: [], env };
}

/** A plan with nothing that would help: the tests that need it are skipped for `reason`. */
export function unavailable(requirement: TestRequirement, found: string, reason: string): RequirementPlan {
  return { requirement, found, packages: [], steps: [], env: {}, unavailable: reason };
}

/** Whether the plan has packages to install or commands to run. */
export function hasWork(plan: RequirementPlan): boolean {
  return plan.packages.length > 0 || plan.steps.length > 0;
}

/** The apt-get commands that install `packages`. */
export function installSteps(packages: readonly string[]): SetupStep[] {
  if (packages.length === 0) return [];
  return [
    { does: 'refresh the package lists', argv: ['apt-get', 'update', '-qq'] },
    {
      does: `install ${packages.join(', ')}`,
      argv: ['apt-get', 'install', '-y', '-qq', ...packages],
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    },
  ];
}

/** A command as one line a user can paste into a shell. */
export function shellLine(step: Pick<SetupStep, 'argv' | 'env'>): string {
  const env = Object.entries(step.env ?? {}).map(([name, value]) => `${name}=${shellWord(value)}`);
  return [...env, ...step.argv.map(shellWord)].join(' ');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** A URL for messages, its password hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

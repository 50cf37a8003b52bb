import { urlScheme } from '../adapter/database-url.js';
import { check } from '../commands/check.js';
import { current, readCurrentRevisions } from '../commands/current.js';
import type { MigrationEnvironment } from '../commands/environment.js';
import { lint, type LintResult } from '../commands/lint.js';
import { stamp } from '../commands/stamp.js';
import { downgrade, upgrade } from '../commands/upgrade.js';
import { verify, type VerifyResult } from '../commands/verify.js';
import { RevisionNotFoundError } from '../errors.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { FleetTarget } from './fleet-target.js';
import type { TargetTask, TargetWork } from './fleet-runner.js';

/** The command a fleet runs on each target, with its options as for one database. */
export type FleetCommand =
  | { readonly command: 'upgrade'; readonly target?: string | undefined; readonly lint?: 'error' | 'warn' | 'off' | undefined }
  | { readonly command: 'downgrade'; readonly target: string }
  | { readonly command: 'stamp'; readonly revisions: readonly string[]; readonly purge?: boolean | undefined }
  | { readonly command: 'current' }
  | { readonly command: 'check' }
  | { readonly command: 'verify'; readonly shadowUrl?: string | undefined }
  | { readonly command: 'lint'; readonly serverVersion?: string | undefined };

/** The names of {@link FleetCommand}s. */
export type FleetCommandName = FleetCommand['command'];

/** Whether a command changes its targets (and so takes their locks). */
export function changesTargets(command: FleetCommandName): boolean {
  return command === 'upgrade' || command === 'downgrade' || command === 'stamp';
}

/**
 * The environment of one target: the fleet's, with the target's URL, and for a schema
 * target the schema, where the version and audit tables then live too.
 */
export function targetEnvironment(env: MigrationEnvironment, target: FleetTarget, onEvent: MigrationEnvironment['onEvent']): MigrationEnvironment {
  const { config } = env;
  const schema = target.schema;
  return {
    ...env,
    onEvent,
    config: {
      ...config,
      url: target.url,
      urlSource: 'flag',
      ...(schema === undefined
        ? {}
        : { schema, versionTable: { ...config.versionTable, schema }, auditTable: { ...config.auditTable, schema } }),
    },
  };
}

/**
 * The task that runs `command` on one target. `verify` and `lint` judge what a target
 * would run next, which depends only on the revisions it is at: targets at the same
 * revisions (of one dialect) share one verification or lint, run by the first of them.
 */
export function fleetTask(env: MigrationEnvironment, command: FleetCommand, ran: Set<string>): TargetTask {
  switch (command.command) {
    case 'upgrade':
    case 'downgrade':
    case 'stamp':
      return async (target, { signal, onEvent }) => {
        const targetEnv = targetEnvironment(env, target, onEvent);
        const result =
          command.command === 'upgrade'
            ? await upgrade(targetEnv, { target: command.target ?? 'head', lint: command.lint, signal })
            : command.command === 'downgrade'
              ? await downgrade(targetEnv, { target: command.target, signal })
              : await stamp(targetEnv, { revisions: command.revisions, purge: command.purge, signal });
        for (const step of result.steps) if (step.path !== undefined) ran.add(step.path);
        return { from: result.from, revisions: result.to, steps: result.steps.length };
      };
    case 'current':
      return async (target, { onEvent }) => {
        const result = await current(targetEnvironment(env, target, onEvent));
        return { revisions: result.revisions.map((revision) => revision.id) };
      };
    case 'check':
      return async (target, { onEvent }) => {
        const result = await check(targetEnvironment(env, target, onEvent));
        if (result.ok) return { revisions: result.current };
        const first = result.problems[0]!;
        const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problem${result.problems.length === 2 ? '' : 's'})` : '';
        return { revisions: result.current, problem: { code: first.code, message: `${first.message}${more}` } };
      };
    case 'verify': {
      const verified = new Map<string, Promise<VerifyResult>>();
      return async (target, { signal, onEvent }) => {
        const targetEnv = targetEnvironment(env, target, onEvent);
        const heads = await readKnownHeads(targetEnv);
        const key = `${urlScheme(target.url)} ${heads.join(' ')}`;
        let result = verified.get(key);
        if (!result) {
          // The first target of each group verifies on a throwaway database of its own server,
          // never on itself; that database is empty, so it has no tenant schema to pin.
          const serverEnv = targetEnvironment(env, { ...target, schema: undefined }, onEvent);
          result = verify(serverEnv, { from: heads.length === 1 ? heads[0] : undefined, shadowUrl: command.shadowUrl, signal });
          verified.set(key, result);
        }
        const outcome = await result;
        if (outcome.ok) return { revisions: heads };
        const finding = outcome.findings[0];
        return { revisions: heads, problem: { code: finding?.code ?? 'VERIFY_FAILED', message: finding?.message ?? 'verify failed' } };
      };
    }
    case 'lint': {
      const linted = new Map<string, Promise<LintResult>>();
      return async (target, { signal, onEvent }): Promise<TargetWork> => {
        const targetEnv = targetEnvironment(env, target, onEvent);
        const heads = await readKnownHeads(targetEnv);
        const key = `${urlScheme(target.url)} ${heads.join(' ')}`;
        let result = linted.get(key);
        if (!result) {
          const scripts = env.preloaded?.scripts;
          const pending = scripts ? planUpgrade(scripts.map, heads, 'heads').map((step) => step.revision.id) : undefined;
          result = lint(targetEnv, { revisions: pending, currentHeads: heads, serverVersion: command.serverVersion, signal });
          linted.set(key, result);
        }
        const outcome = await result;
        const error = outcome.findings.find((finding) => finding.severity === 'error');
        if (!error) return { revisions: heads };
        const message = `${error.file}:${error.line} ${error.ruleId} ${error.message}${outcome.errors > 1 ? ` (and ${outcome.errors - 1} more)` : ''}`;
        return { revisions: heads, problem: { code: 'LINT_FAILED', message } };
      };
    }
  }
}

/** The target's version rows, each a revision the scripts define. */
async function readKnownHeads(env: MigrationEnvironment): Promise<string[]> {
  const heads = await readCurrentRevisions(env);
  const map = env.preloaded?.scripts.map;
  for (const id of heads) if (map && !map.has(id)) throw new RevisionNotFoundError(id, 'database');
  return heads;
}

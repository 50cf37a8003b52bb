import type { MigrationEnvironment } from '../commands/environment.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import { runFleet, type FleetScheduleOptions, type TargetError, type TargetStatus } from './fleet-runner.js';
import { fleetTask } from './fleet-commands.js';
import { preloadScripts, selectFleetTargets, type FleetSelection } from './run-fleet.js';

/** How a target's last run ended, from a report or the queue's results. */
export interface LastRun {
  readonly name: string;
  readonly status: TargetStatus;
  readonly error?: TargetError | undefined;
  /** When it ended (ISO 8601), when known. */
  readonly at?: string | undefined;
}

/** One target's line of {@link FleetStatus}. */
export interface TargetState {
  readonly name: string;
  readonly target: string;
  /** The revisions it is at; absent when they could not be read (`error` says why). */
  readonly revisions?: readonly string[] | undefined;
  /** It is at the scripts' heads: `upgrade heads` would run nothing. */
  readonly atHead: boolean;
  /** Revisions `upgrade heads` would run on it. */
  readonly pending?: number | undefined;
  /** Why its revisions could not be read (unreachable, an unknown revision). */
  readonly error?: TargetError | undefined;
  /** How its last fleet run ended, when a report or the queue says. */
  readonly last?: LastRun | undefined;
}

/** The revision × target matrix of a fleet: `cgmigrate fleet status`. */
export interface FleetStatus {
  /** The scripts' heads. */
  readonly heads: readonly string[];
  readonly total: number;
  /** Targets at each set of revisions, most targets first; `[]` is base. */
  readonly revisions: readonly { readonly revisions: readonly string[]; readonly atHead: boolean; readonly count: number; readonly targets: readonly string[] }[];
  /** Targets behind the heads. */
  readonly behind: readonly string[];
  /** Targets whose revisions could not be read. */
  readonly unreadable: readonly string[];
  /** Targets whose last run (as `lastRuns` tells) did not succeed. */
  readonly failedLastTime: readonly string[];
  readonly targets: readonly TargetState[];
}

/** Options of {@link fleetStatus}. */
export interface FleetStatusOptions extends FleetSelection, Pick<FleetScheduleOptions, 'concurrency' | 'perHost' | 'signal'> {
  /** How each target's last run ended: a report's targets, or the queue's results. */
  readonly lastRuns?: readonly LastRun[] | undefined;
}

/**
 * Reads every target's revisions (read-only, as `current` does) and sums them up:
 * how many targets are at each revision, which are behind, which could not be read,
 * and which failed their last run.
 */
export async function fleetStatus(env: MigrationEnvironment, options: FleetStatusOptions = {}): Promise<FleetStatus> {
  const targets = await selectFleetTargets(env, options);
  const preloaded = await preloadScripts(env);
  const map = preloaded.scripts.map;
  const run = await runFleet(targets, fleetTask({ ...env, preloaded }, { command: 'current' }, new Set()), {
    concurrency: options.concurrency,
    perHost: options.perHost,
    signal: options.signal,
  });
  const last = new Map((options.lastRuns ?? []).map((entry) => [entry.name, entry]));
  const states: TargetState[] = run.targets.map((outcome) => {
    const lastRun = last.get(outcome.name);
    const base = { name: outcome.name, target: outcome.target, ...(lastRun ? { last: lastRun } : {}) };
    if (outcome.status !== 'succeeded' || !outcome.revisions) {
      return { ...base, atHead: false, ...(outcome.error ? { error: outcome.error } : {}) };
    }
    const pending = planUpgrade(map, outcome.revisions, 'heads').length;
    return { ...base, revisions: outcome.revisions, atHead: pending === 0, pending };
  });
  const groups = new Map<string, { revisions: readonly string[]; atHead: boolean; targets: string[] }>();
  for (const state of states) {
    if (!state.revisions) continue;
    const key = [...state.revisions].sort().join(' ');
    const group = groups.get(key) ?? { revisions: [...state.revisions].sort(), atHead: state.atHead, targets: [] };
    group.targets.push(state.name);
    groups.set(key, group);
  }
  return {
    heads: map.heads,
    total: states.length,
    revisions: [...groups.values()]
      .map((group) => ({ ...group, count: group.targets.length }))
      .sort((a, b) => b.count - a.count || Number(b.atHead) - Number(a.atHead)),
    behind: states.filter((state) => state.revisions && !state.atHead).map((state) => state.name),
    unreadable: states.filter((state) => !state.revisions).map((state) => state.name),
    failedLastTime: states.filter((state) => state.last && state.last.status !== 'succeeded').map((state) => state.name),
    targets: states,
  };
}

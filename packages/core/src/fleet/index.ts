export { defaultTargetName, describeTarget, splitSchema, targetHost, toTarget } from './fleet-target.js';
export type { FleetTarget, FleetTargetSpec } from './fleet-target.js';
export { describeSource, globMatcher, readTargetSource } from './target-source.js';
export type { FleetTargetSource, TargetQuery, TargetSourceContext } from './target-source.js';
export { parseShard, selectShard, shardOf } from './shard.js';
export type { Shard } from './shard.js';
export { parseWaveSize, splitIntoWaves } from './waves.js';
export type { WaveSize } from './waves.js';
export { DEFAULT_FLEET_CONCURRENCY, describeError, runFleet } from './fleet-runner.js';
export type {
  FleetEvent,
  FleetRunResult,
  FleetScheduleOptions,
  FleetStopReason,
  TargetError,
  TargetOutcome,
  TargetStatus,
  TargetTask,
  TargetTaskContext,
  TargetWork,
} from './fleet-runner.js';
export { changesTargets, fleetTask, targetEnvironment } from './fleet-commands.js';
export type { FleetCommand, FleetCommandName } from './fleet-commands.js';
export { readFleetReport, selectUnfinished, summarize, unfinishedTargets, writeFleetReport } from './fleet-report.js';
export type { FleetReport, FleetSummary } from './fleet-report.js';
export { preloadScripts, runFleetCommand, selectFleetTargets } from './run-fleet.js';
export type { FleetCommandOptions, FleetSelection } from './run-fleet.js';
export { fleetStatus } from './fleet-status.js';
export type { FleetStatus, FleetStatusOptions, LastRun, TargetState } from './fleet-status.js';

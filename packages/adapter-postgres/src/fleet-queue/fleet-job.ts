import type { FleetCommand } from '@cloudguard/migrate-core';

/**
 * A fleet job's payload, as the queue stores it: which target (by name) and which
 * command. Never a URL: the control database holds no credential of any target, and
 * each worker resolves the name through its own target source.
 */
export interface FleetJobPayload {
  /** The target's name (see `FleetTarget.name`). */
  readonly name: string;
  readonly command: FleetCommand;
  /** The enqueue run that added the job, for the results table. */
  readonly runId: string;
  /**
   * The heads of the scripts `enqueueFleet` was given: a worker whose scripts have other
   * heads (another release) refuses the job with `FLEET_SCRIPTS_MISMATCH`, and it is
   * retried. Absent: any worker runs it.
   */
  readonly heads?: readonly string[] | undefined;
}

/** The payload cannot be run: not written by `enqueueFleet`, or by a newer one with a command this worker does not know. */
export class FleetJobPayloadError extends Error {
  constructor(problem: string) {
    super(`The fleet job's payload cannot be run: ${problem}`);
    this.name = 'FleetJobPayloadError';
  }
}

const COMMANDS: ReadonlySet<string> = new Set<FleetCommand['command']>(['upgrade', 'downgrade', 'stamp', 'current', 'check', 'verify', 'lint']);

/**
 * Reads a job's payload back, checking its shape: the payload comes from a database
 * other processes write to, so it is data to check, not a value to trust.
 *
 * ### Examples
 * ```ts
 * parseFleetJob({ name: 'tenant_7', command: { command: 'upgrade', target: 'head' }, runId: 'r1' }).command.command // 'upgrade'
 * ```
 * @throws {FleetJobPayloadError} when it is not a fleet job's payload.
 */
export function parseFleetJob(payload: unknown): FleetJobPayload {
  if (typeof payload !== 'object' || payload === null) throw new FleetJobPayloadError('it is not an object');
  const { name, command, runId, heads } = payload as Record<string, unknown>;
  if (heads !== undefined && !(Array.isArray(heads) && heads.every((id) => typeof id === 'string'))) throw new FleetJobPayloadError('its heads are not a list of revision ids');
  if (typeof name !== 'string' || name === '') throw new FleetJobPayloadError('it names no target');
  if (typeof runId !== 'string') throw new FleetJobPayloadError('it has no run id');
  if (typeof command !== 'object' || command === null) throw new FleetJobPayloadError('it has no command');
  const kind = (command as { command?: unknown }).command;
  if (typeof kind !== 'string' || !COMMANDS.has(kind)) throw new FleetJobPayloadError(`unknown command ${JSON.stringify(kind)}`);
  const fields = command as Record<string, unknown>;
  const optionalString = (key: string): boolean => fields[key] === undefined || typeof fields[key] === 'string';
  const valid =
    kind === 'upgrade' ? optionalString('target') && (fields['lint'] === undefined || ['error', 'warn', 'off'].includes(fields['lint'] as string))
    : kind === 'downgrade' ? typeof fields['target'] === 'string'
    : kind === 'stamp' ? Array.isArray(fields['revisions']) && (fields['revisions'] as unknown[]).every((id) => typeof id === 'string') && (fields['purge'] === undefined || typeof fields['purge'] === 'boolean')
    : kind === 'verify' ? fields['shadowUrl'] === undefined
    : kind === 'lint' ? optionalString('serverVersion')
    : true;
  if (!valid) throw new FleetJobPayloadError(`the ${kind} command's options are malformed`);
  return { name, command: command as FleetCommand, runId, ...(heads === undefined ? {} : { heads: heads as string[] }) };
}

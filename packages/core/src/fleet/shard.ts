import { createHash } from 'node:crypto';

import { FleetOptionsInvalidError } from '../errors.js';
import type { FleetTarget } from './fleet-target.js';

/** One worker's share of a fleet: shard `index` (from 1) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Reads `I/N` (`--shard 3/8`).
 *
 * @throws {FleetOptionsInvalidError} unless `1 <= I <= N`.
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new FleetOptionsInvalidError('--shard', `'${text}' is not I/N with I from 1 to N (e.g. 3/8, or $((JOB_COMPLETION_INDEX+1))/8)`);
  }
  return { index, count };
}

/**
 * The shard (1 to `count`) a target belongs to, by rendezvous hashing of its name:
 * each shard scores the name, the highest score wins. It depends on the name and the
 * shard count only, so every worker computes the same partition on its own; adding or
 * removing a target moves no other target; and the shares are balanced as a uniform
 * hash spreads them.
 */
export function shardOf(name: string, count: number): number {
  let best = 1;
  let bestScore = -1n;
  for (let shard = 1; shard <= count; shard++) {
    const score = createHash('sha256').update(`${shard}\0${name}`).digest().readBigUInt64BE(0);
    if (score > bestScore) {
      bestScore = score;
      best = shard;
    }
  }
  return best;
}

/** The targets of one shard, in the fleet's order. */
export function selectShard<T extends Pick<FleetTarget, 'name'>>(targets: readonly T[], shard: Shard): T[] {
  if (shard.count === 1) return [...targets];
  return targets.filter((target) => shardOf(target.name, shard.count) === shard.index);
}

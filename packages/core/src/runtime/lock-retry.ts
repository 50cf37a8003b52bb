import { setTimeout as sleep } from 'node:timers/promises';
import type { LockRetryPolicy } from '../config/lock-retry-policy.js';

/** The wait before retry number `retry` (1 for the first retry): `backoffMs × 2^(retry − 1)`. */
export function retryDelayMs(policy: LockRetryPolicy, retry: number): number {
  return policy.backoffMs * 2 ** Math.max(0, retry - 1);
}

/** Waits `ms` milliseconds; injectable so that tests need not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** The real wait. */
export const realSleep: Sleep = async (ms) => {
  await sleep(ms);
};

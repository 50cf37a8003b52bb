/**
 * Peak resident memory of a measured command, from GNU time's `%M`: the largest
 * resident set, in KiB, of any one process the command ran and waited for. For the
 * fleet, one process migrating every tenant, that is the fleet's own peak; for a
 * per-tenant loop it is the largest of its processes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sh } from '../upgrade/database.ts';

/** GNU time; Debian's `time` package. */
export const GNU_TIME = '/usr/bin/time';

/** Fails with the install command when GNU time is missing. */
export function assertGnuTime(): void {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: apt-get install -y time`);
}

/** `command` under GNU time, which appends its peak RSS (KiB) as one line to `file`. */
export function withPeakRss(command: string, file: string): string {
  return `${GNU_TIME} -f %M -a -o ${sh(file)} sh -c ${sh(command)}`;
}

/**
 * Every peak RSS `file` holds, in KiB, one per run. GNU time writes a "Command exited
 * with non-zero status" line before the figure of a failed run; only numbers count.
 */
export function readPeakRss(file: string): number[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\d+$/.test(line.trim()))
    .map(Number);
}

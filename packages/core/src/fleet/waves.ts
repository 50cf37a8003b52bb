import { FleetOptionsInvalidError } from '../errors.js';

/** How many targets a wave takes: a count, a percentage of the fleet, or every target left. */
export type WaveSize = { readonly count: number } | { readonly percent: number } | 'rest';

/**
 * Reads a wave's size as `--canary` and `--wave` spell it: `1`, `10%`, `rest`.
 *
 * @throws {FleetOptionsInvalidError} for anything else, a percentage above 100 or a count below 1.
 */
export function parseWaveSize(text: string, option = '--wave'): WaveSize {
  const trimmed = text.trim();
  if (trimmed === 'rest') return 'rest';
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 0 || value > 100) throw new FleetOptionsInvalidError(option, `${trimmed} is not a percentage above 0 and at most 100`);
    return { percent: value };
  }
  if (/^\d+$/.test(trimmed) && Number(trimmed) >= 1) return { count: Number(trimmed) };
  throw new FleetOptionsInvalidError(option, `'${text}' is not a number of targets (5), a percentage of the fleet (10%) or 'rest'`);
}

/**
 * Splits the targets into waves, in order: each wave takes its size from the targets
 * the waves before it left (a percentage is of the whole fleet, rounded up, so `10%`
 * of 7 targets is 1). Targets that no wave takes form one last wave, as if `rest`
 * ended the list. Empty waves are dropped. Without sizes the whole fleet is one wave.
 *
 * ### Examples
 * ```ts
 * splitIntoWaves(targets /* 200 *\/, [{ count: 1 }, { percent: 10 }, 'rest']) // sizes 1, 20, 179
 * ```
 */
export function splitIntoWaves<T>(targets: readonly T[], sizes: readonly WaveSize[]): T[][] {
  const waves: T[][] = [];
  let next = 0;
  for (const size of sizes) {
    if (next >= targets.length) break;
    const take = size === 'rest' ? targets.length - next : 'count' in size ? size.count : Math.ceil((size.percent / 100) * targets.length);
    waves.push(targets.slice(next, next + take));
    next += take;
  }
  if (next < targets.length) waves.push(targets.slice(next));
  return waves.filter((wave) => wave.length > 0);
}

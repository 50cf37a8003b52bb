import { describe, expect, it } from 'vitest';

import { isMigrateError } from '../../../src/errors.js';
import { parseWaveSize, splitIntoWaves } from '../../../src/fleet/waves.js';

const range = (length: number): number[] => Array.from({ length }, (_, index) => index + 1);
const sizes = (waves: readonly unknown[][]): number[] => waves.map((wave) => wave.length);

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseWaveSize', () => {
  it.each([
    ['1', { count: 1 }],
    ['25', { count: 25 }],
    ['10%', { percent: 10 }],
    ['12.5%', { percent: 12.5 }],
    ['100%', { percent: 100 }],
    ['rest', 'rest'],
    [' 5 ', { count: 5 }],
  ])('reads %j', (text, size) => {
    expect(parseWaveSize(text)).toEqual(size);
  });

  it.each([
    ['0%', '--wave', 'Invalid --wave: 0% is not a percentage above 0 and at most 100'],
    ['120%', '--canary', 'Invalid --canary: 120% is not a percentage above 0 and at most 100'],
  ])('refuses the percentage %j, naming the option', (text, option, message) => {
    const error = thrownBy(() => parseWaveSize(text, option));
    expect(isMigrateError(error) && error.code).toBe('FLEET_OPTIONS_INVALID');
    expect((error as Error).message).toBe(message);
  });

  it.each(['0', 'x', '-1', '1.5', '%', 'all', ''])('refuses %j with FLEET_OPTIONS_INVALID', (text) => {
    const error = thrownBy(() => parseWaveSize(text));
    expect(isMigrateError(error) && error.code).toBe('FLEET_OPTIONS_INVALID');
    expect((error as Error).message).toBe(
      `Invalid --wave: '${text}' is not a number of targets (5), a percentage of the fleet (10%) or 'rest'`,
    );
  });
});

describe('splitIntoWaves', () => {
  it('splits 200 targets by 1, 10% and rest into 1, 20 and 179, in order', () => {
    const waves = splitIntoWaves(range(200), [{ count: 1 }, { percent: 10 }, 'rest']);
    expect(sizes(waves)).toEqual([1, 20, 179]);
    expect(waves.flat()).toEqual(range(200));
  });

  it('puts targets no wave took into one last wave', () => {
    expect(sizes(splitIntoWaves(range(50), [{ count: 1 }, { count: 5 }]))).toEqual([1, 5, 44]);
  });

  it('drops waves left empty when the fleet runs out', () => {
    expect(sizes(splitIntoWaves(range(3), [{ count: 5 }, { count: 5 }, 'rest']))).toEqual([3]);
    expect(sizes(splitIntoWaves(range(3), [{ count: 1 }, 'rest', { count: 2 }]))).toEqual([1, 2]);
    expect(splitIntoWaves([], [{ count: 1 }, 'rest'])).toEqual([]);
  });

  it('takes a percentage of the whole fleet, rounded up, whatever the waves before took', () => {
    expect(sizes(splitIntoWaves(range(7), [{ percent: 10 }, 'rest']))).toEqual([1, 6]);
    expect(sizes(splitIntoWaves(range(200), [{ count: 100 }, { percent: 10 }, { percent: 10 }]))).toEqual([100, 20, 20, 60]);
    expect(sizes(splitIntoWaves(range(10), [{ percent: 25 }, { percent: 25 }, { percent: 25 }, { percent: 25 }]))).toEqual([3, 3, 3, 1]);
  });

  it('makes the whole fleet one wave without sizes', () => {
    expect(splitIntoWaves(range(4), [])).toEqual([range(4)]);
  });
});

import { FleetOptionsInvalidError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { queuedCommand } from '../../src/run/fleet-queue.js';

describe('the command of `fleet enqueue`', () => {
  it('is upgrade head when none is given, and takes upgrade, downgrade and stamp with their arguments', () => {
    expect(queuedCommand([], {})).toEqual({ command: 'upgrade', target: 'head' });
    expect(queuedCommand(['upgrade', 'ae10'], { lint: 'error' })).toEqual({ command: 'upgrade', target: 'ae10', lint: 'error' });
    expect(queuedCommand(['downgrade', '-1'], {})).toEqual({ command: 'downgrade', target: '-1' });
    expect(queuedCommand(['stamp', 'a1', 'b2'], { purge: true })).toEqual({ command: 'stamp', revisions: ['a1', 'b2'], purge: true });
  });

  it.each([
    [['verify'], {}, "'verify' cannot be queued: give upgrade, downgrade, stamp"],
    [['upgrade', 'a', 'b'], {}, 'upgrade takes one target, not 2'],
    [['upgrade', 'a1:b2'], {}, "'a1:b2' is a range, which only --sql takes: give the revision to upgrade to"],
    [['downgrade'], {}, 'downgrade takes one target (a revision, -N or base)'],
    [['stamp'], {}, 'stamp takes the revisions to stamp'],
    [['upgrade'], { purge: true }, '--purge goes with stamp only'],
    [['stamp', 'a1'], { lint: 'warn' as const }, '--lint goes with upgrade only'],
  ])('refuses %j %j', (argv, flags, problem) => {
    expect(() => queuedCommand(argv, flags)).toThrow(new FleetOptionsInvalidError('COMMAND', problem));
  });
});

import { describe, expect, it } from 'vitest';
import { revisionArgs } from '../../src/revision-args.js';

describe('revisionArgs', () => {
  it('passes revisions through, relative ones included (core judges them)', () => {
    expect(revisionArgs(['heads'])).toEqual(['heads']);
    expect(revisionArgs(['ae10', 'networking@head', '-1'])).toEqual(['ae10', 'networking@head', '-1']);
  });

  it('refuses an unknown flag as a usage error', () => {
    expect(() => revisionArgs(['head', '--prge'])).toThrow(/Nonexistent flag: --prge/);
    try {
      revisionArgs(['-x']);
    } catch (error) {
      expect((error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    }
    expect.assertions(2);
  });
});

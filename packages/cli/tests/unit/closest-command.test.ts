import { describe, expect, it } from 'vitest';
import { closestCommand, editDistance } from '../../src/hooks/closest-command.js';

const IDS = ['branches', 'check', 'current', 'downgrade', 'heads', 'history', 'init', 'merge', 'revision', 'show', 'stamp', 'upgrade'];

describe('closestCommand', () => {
  it.each([
    ['upgarde', 'upgrade'],
    ['upgrad', 'upgrade'],
    ['dowgrade', 'downgrade'],
    ['hisotry', 'history'],
    ['curent', 'current'],
    ['HEADS', 'heads'],
    ['revison', 'revision'],
  ])('%s → %s', (typed, expected) => {
    expect(closestCommand(typed, IDS)).toBe(expected);
  });

  it('suggests nothing for a word that is far from every command', () => {
    expect(closestCommand('deploy', IDS)).toBeUndefined();
    expect(closestCommand('xyzzyplugh', IDS)).toBeUndefined();
    expect(closestCommand('upgrade', [])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('upgarde', 'upgrade')).toBe(2);
  });
});

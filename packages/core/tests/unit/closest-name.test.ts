import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../src/closest-name.js';

const IDS = ['branches', 'check', 'current', 'downgrade', 'heads', 'history', 'init', 'merge', 'revision', 'show', 'stamp', 'upgrade'];

describe('closestName', () => {
  it.each([
    ['upgarde', 'upgrade'],
    ['upgrad', 'upgrade'],
    ['dowgrade', 'downgrade'],
    ['hisotry', 'history'],
    ['curent', 'current'],
    ['HEADS', 'heads'],
    ['revison', 'revision'],
  ])('%s → %s', (typed, expected) => {
    expect(closestName(typed, IDS)).toBe(expected);
  });

  it('finds a config key', () => {
    const keys = ['url', 'scriptLocation', 'versionTable', 'lockTimeout', 'entities'];
    expect(closestName('scriptLocaton', keys)).toBe('scriptLocation');
    expect(closestName('lock_timeout', keys)).toBe('lockTimeout');
    expect(closestName('database', keys)).toBeUndefined();
  });

  it('suggests nothing for a word that is far from every command', () => {
    expect(closestName('deploy', IDS)).toBeUndefined();
    expect(closestName('xyzzyplugh', IDS)).toBeUndefined();
    expect(closestName('upgrade', [])).toBeUndefined();
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

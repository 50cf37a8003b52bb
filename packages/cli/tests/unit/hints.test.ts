import {
  AdapterNotFoundError,
  DatabaseNotUpToDateError,
  InvalidMessageError,
  InvalidTargetError,
  InvalidUrlError,
  MalformedMigrationError,
  MultipleHeadsError,
  RevisionNotFoundError,
  ScriptLocationNotFoundError,
} from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/hints.js';

describe('hintFor', () => {
  it('points at history for an unknown revision given as an argument', () => {
    expect(hintFor(new RevisionNotFoundError('x'))).toContain('`cgmigrate history`');
  });

  it('points at the branch or stamp for an unknown revision recorded in the database', () => {
    const hint = hintFor(new RevisionNotFoundError('deadbeef', 'database'));
    expect(hint).toContain("'deadbeef'");
    expect(hint).toContain('branch');
    expect(hint).toContain('`cgmigrate stamp head`');
  });

  it('offers heads, a branch target and merge for multiple heads', () => {
    const hint = hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'upgrade' });
    expect(hint).toContain('`cgmigrate upgrade heads`');
    expect(hint).toContain('<label>@head');
    expect(hint).toContain('`cgmigrate merge heads -m');
    expect(hint).toContain('a1, b2');
  });

  it('offers --head for multiple heads when creating a revision', () => {
    expect(hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'revision' })).toContain('--head');
  });

  it('tells how to bring the database up to date', () => {
    expect(hintFor(new DatabaseNotUpToDateError(['a'], ['b']))).toContain('`cgmigrate upgrade head`');
  });

  it('tells how to create a missing script location', () => {
    const hint = hintFor(new ScriptLocationNotFoundError('/x/migrations'));
    expect(hint).toContain('`cgmigrate init`');
    expect(hint).toContain('scriptLocation');
  });

  it('shows -m for an empty message', () => {
    expect(hintFor(new InvalidMessageError('it is empty'))).toContain('-m "');
  });

  it('names the package to install for a missing adapter', () => {
    const hint = hintFor(new AdapterNotFoundError('postgresql', '@cloudguard/migrate-adapter-postgres'), {
      schemes: ['sqlite', 'postgresql'],
    });
    expect(hint).toContain('npm install @cloudguard/migrate-adapter-postgres');
    expect(hint).toContain('sqlite, postgresql');
    expect(hintFor(new AdapterNotFoundError('mysql', undefined))).toContain('plugins install');
  });

  it('lists URL forms for a bad URL', () => {
    const hint = hintFor(new InvalidUrlError('nope', 'no scheme'));
    expect(hint).toContain('sqlite:///relative/path.db');
    expect(hint).toContain('sqlite:////absolute/path.db');
    expect(hint).toContain('postgresql://');
  });

  it('names the malformed file', () => {
    expect(hintFor(new MalformedMigrationError('/m/versions/bad.ts', 'no default export'))).toContain('/m/versions/bad.ts');
  });

  it('explains targets by command', () => {
    expect(hintFor(new InvalidTargetError('-9', 'below base'), { command: 'downgrade' })).toContain('-N');
    expect(hintFor(new InvalidTargetError('+9', 'above head'), { command: 'upgrade' })).toContain('+N');
  });

  it('uses the executable name it is given', () => {
    expect(hintFor(new RevisionNotFoundError('x'), { bin: 'migrate' })).toContain('`migrate history`');
  });
});

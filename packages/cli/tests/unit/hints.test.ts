import {
  AdapterNotFoundError,
  AmbiguousStepError,
  ConfigInvalidError,
  DatabaseNotUpToDateError,
  DuplicateBranchLabelError,
  InvalidMessageError,
  InvalidTargetError,
  InvalidUrlError,
  LockLostError,
  LockUnavailableError,
  MalformedMigrationError,
  MikroOrmConfigInvalidError,
  MikroOrmImportRefusedError,
  MultipleHeadsError,
  OverlappingRevisionsError,
  RevisionNotFoundError,
  RevisionNotInBranchError,
  ScriptLocationNotFoundError,
} from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { checkHint, hintFor } from '../../src/hints.js';

describe('hintFor', () => {
  it('points at history for an unknown revision given as an argument', () => {
    expect(hintFor(new RevisionNotFoundError('x'))).toContain('`cgmigrate history`');
  });

  it('points at the branch or stamp for an unknown revision recorded in the database', () => {
    const hint = hintFor(new RevisionNotFoundError('deadbeef', 'database'));
    expect(hint).toContain("'deadbeef'");
    expect(hint).toContain('Check out the branch that has that migration');
    expect(hint).toContain('`cgmigrate stamp <revision> --purge`');
    expect(hint).toContain('`cgmigrate stamp head --purge`');
  });

  it('tells a stamp without --purge over an unknown revision to add it', () => {
    const hint = hintFor(new RevisionNotFoundError('deadbeef', 'database'), { command: 'stamp' });
    expect(hint).toContain('Add --purge');
    expect(hint).toContain('`cgmigrate stamp head --purge`');
  });

  it('offers heads, a branch target and merge for multiple heads', () => {
    const hint = hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'upgrade' });
    expect(hint).toContain('`cgmigrate upgrade heads`');
    expect(hint).toContain('`<branch>@head`');
    expect(hint).toContain('`cgmigrate merge heads -m');
    expect(hint).toContain('a1, b2');
  });

  it('offers --head for multiple heads when creating a revision', () => {
    expect(hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'revision' })).toContain('--head');
  });

  it('offers `stamp heads` and `show heads` to the commands that take them', () => {
    expect(hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'stamp' })).toContain('`cgmigrate stamp heads`');
    expect(hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'show' })).toContain('`cgmigrate show heads`');
  });

  it('says a branch label must be unique, and where to change it', () => {
    const error = new DuplicateBranchLabelError('networking', '2a95102259be', '3782d9986ced');
    const fromFiles = hintFor(error, { command: 'upgrade' });
    expect(fromFiles).toContain("Rename 'networking' in the migration file of revision 2a95102259be or 3782d9986ced");
    expect(fromFiles).toContain('unique');
    expect(hintFor(error, { command: 'revision' })).toContain('another --branch-label');
  });

  it('names the branch for a revision outside it', () => {
    const hint = hintFor(new RevisionNotInBranchError('27c6a30d7c24', 'networking'));
    expect(hint).toContain("branch 'networking'");
    expect(hint).toContain('`networking@`');
    expect(hint).toContain('`cgmigrate show networking@head`');
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

  it('tells a migration class how to declare its header, or which adapter runs it', () => {
    const header = hintFor(new MalformedMigrationError('/m/versions/M1.ts', 'its class M1 has no `static revision`', { migrationClass: 'M1' }));
    expect(header).toContain("`static revision = '<id>'`");
    expect(header).toContain('`cgmigrate import mikro-orm`');
    const unsupported = hintFor(new MalformedMigrationError('/m/versions/M1.ts', 'its export is a migration class (M1)', { migrationClass: 'M1', adapter: 'mariadb' }));
    expect(unsupported).toContain('an adapter that implements migrationClasses()');
    expect(unsupported).not.toContain('static revision');
  });

  it('explains targets by command', () => {
    expect(hintFor(new InvalidTargetError('-9', 'below base'), { command: 'downgrade' })).toContain('-N');
    expect(hintFor(new InvalidTargetError('+9', 'above head'), { command: 'upgrade' })).toContain('+N');
    expect(hintFor(new InvalidTargetError('a1', 'a merge needs two'), { command: 'merge' })).toContain('two or more');
    // Stamp counts -N as Alembic does since issue 17; the hint lists the relative forms.
    expect(hintFor(new InvalidTargetError('+1', 'counts up from a revision'), { command: 'stamp' })).toContain('-N (below the heads of the scripts)');
    expect(hintFor(new InvalidTargetError('-1:x', 'malformed'), { command: 'history' })).toContain('lower:upper');
  });

  it('turns each way of an ambiguous step into a command, once per target (issue 20)', () => {
    const up = new AmbiguousStepError('+1', 'b', 'up', [
      { through: 'c1', target: 'c1' },
      { through: 'c2', target: 'c2' },
    ]);
    expect(hintFor(up, { command: 'upgrade', bin: 'cgmigrate' })).toBe(
      'A relative step does not choose a branch; run the one you mean: ' +
        '`cgmigrate upgrade c1` (through c1) or `cgmigrate upgrade c2` (through c2).',
    );
    const range = new AmbiguousStepError('b+1:', 'b', 'up', [{ through: 'c1', target: 'c1:' }]);
    expect(hintFor(range, { command: 'history', bin: 'cgmigrate' })).toContain('`cgmigrate history -r c1:` (through c1)');
    const rejoined = new AmbiguousStepError('+2', 'a', 'up', [
      { through: 'b1', target: 'm' },
      { through: 'b2', target: 'm' },
    ]);
    expect(hintFor(rejoined, { command: 'upgrade', bin: 'cgmigrate' })).toBe(
      'A relative step does not choose a branch; to take all the steps, run `cgmigrate upgrade m` (through b1, b2).',
    );
    const down = new AmbiguousStepError('-1', 'm', 'down', [
      { through: 'a', target: 'a' },
      { through: 'b', target: 'b' },
    ]);
    expect(hintFor(down, { command: 'stamp', bin: 'cgmigrate' })).toContain('does not choose a parent of a merge');
  });

  it('names the command for each head of a relative downgrade, and how to repair overlapping rows (issue 17)', () => {
    const perHead = new MultipleHeadsError(['b', 'y'], '-1', ['b@-1', 'side@-1']);
    expect(hintFor(perHead, { command: 'downgrade', bin: 'cgmigrate' })).toBe(
      'The database has several heads, so a relative step does not say which branch goes down. ' +
        'Name the head: `cgmigrate downgrade b@-1` (b) or `cgmigrate downgrade side@-1` (y).',
    );
    expect(hintFor(new OverlappingRevisionsError('b', ['a']), { command: 'stamp', bin: 'cgmigrate' })).toContain('`cgmigrate stamp b`');
    expect(hintFor(new OverlappingRevisionsError('b', ['a'], 'database'), { command: 'upgrade', bin: 'cgmigrate' })).toContain(
      '`cgmigrate stamp --purge b`',
    );
  });

  it('uses the executable name it is given', () => {
    expect(hintFor(new RevisionNotFoundError('x'), { bin: 'migrate' })).toContain('`migrate history`');
  });

  it('says a lost lock may have let another run start, and to check a transactional: false migration named as not recorded', () => {
    const hint = hintFor(new LockLostError("the lock's session (pid 42) has ended", ['a1'], ['b2']));
    expect(hint).toContain('another cgmigrate run may have started');
    expect(hint).toContain('`cgmigrate current`');
    expect(hint).toContain('`transactional: false`');
  });

  it('tells an unusable lock apart from a held one, and says how to make it usable', () => {
    const hint = hintFor(new LockUnavailableError('/srv/app.db.cgmigrate-lock', 'it is owned by deploy (uid 1001)'));
    expect(hint).toContain('not another run holding the lock');
    expect(hint).toContain('write access');
  });

  it('says --splice, and what splicing does, for revision --head <not a head>', () => {
    const hint = hintFor(new InvalidTargetError('a1', 'revision a1 is not a head revision'), { command: 'revision' })!;
    expect(hint).toContain('pass `--splice`: splicing starts a new branch from that revision');
    expect(hint).toContain('`cgmigrate heads`');
  });

  it('makes the CONFIG_INVALID hint fit the problem: a typo, missing or rejected entities, a package not installed', () => {
    const typo = new ConfigInvalidError('c.ts', "unknown key 'lockTimout'", { key: 'lockTimout', knownKeys: ['url', 'lockTimeout', 'lockRetry'] });
    expect(hintFor(typo)).toBe("Did you mean 'lockTimeout'? Unknown keys are refused so that a typo is not silently ignored.");
    const far = new ConfigInvalidError('c.ts', "unknown key 'database'", { key: 'database', knownKeys: ['url', 'lockTimeout'] });
    expect(hintFor(far)).toBe('Unknown keys are refused so that a typo is not silently ignored.');

    const entities = hintFor(new ConfigInvalidError('c.ts', '`entities` is empty', { key: 'entities' }))!;
    expect(entities).toContain('Set `entities` in cgmigrate.config.ts to your MikroORM entity definitions');
    expect(entities).not.toContain('every key is optional');
    const rejected = new ConfigInvalidError(undefined, 'entities: … Tag entity is missing @PrimaryKey()', { key: 'entities', cause: new Error('Tag entity is missing @PrimaryKey()') });
    expect(hintFor(rejected)).toBe(
      "Fix the entity definitions listed in `entities` of cgmigrate.config.ts where MikroORM's reason points: autogenerate, " +
        "the schema check and migration classes' this.getEntityManager() all have MikroORM discover that list.",
    );

    const core = hintFor(new ConfigInvalidError('c.ts', 'it could not be loaded', { missingPackage: '@cloudguard/migrate-core' }))!;
    expect(core).toContain('`npm install -D @cloudguard/migrate-core`');
    expect(core).toContain('import type');
    const adapter = hintFor(new ConfigInvalidError('c.ts', 'it could not be loaded', { missingPackage: '@cloudguard/migrate-adapter-postgres' }))!;
    expect(adapter).toContain('`npm install -D @cloudguard/migrate-adapter-postgres`');
    expect(adapter).toContain("the URL's scheme");
    expect(hintFor(new ConfigInvalidError('c.ts', 'it could not be loaded', { missingPackage: 'dotenv' }))).toContain('`npm install -D dotenv`');

    expect(hintFor(new ConfigInvalidError('c.ts', "'url' must be a non-empty string"))).toContain('every key is optional');
  });
});

describe('hintFor: import mikro-orm', () => {
  const problem = (kind: MikroOrmImportRefusedError['problems'][number]['kind'], forceable: boolean) => ({
    kind,
    migration: 'Migration20241116000002',
    path: undefined,
    message: `a ${kind} problem`,
    forceable,
    assumption: forceable ? 'something' : undefined,
  });

  it('asks to join the heads of versions/ before importing', () => {
    expect(hintFor(new MultipleHeadsError(['a1', 'b2'], 'head'), { command: 'import:mikro-orm' })).toBe(
      'The adopted revisions go on top of the one head of versions/ (a1, b2): join the heads with `cgmigrate merge heads -m "Merge heads"`, then import again. Nothing was written.',
    );
  });

  it('offers --force when every problem takes it, and names the fixes of those that never do', () => {
    expect(hintFor(new MikroOrmImportRefusedError([problem('applied-out-of-order', true)]))).toBe(
      'Check each problem against the database; if the assumptions --force states hold, run `cgmigrate import mikro-orm --force`. Nothing was written.',
    );
    expect(hintFor(new MikroOrmImportRefusedError([problem('file-conflict', false), problem('database-elsewhere', false), problem('applied-without-file', true)]), { bin: 'cgm' })).toBe(
      'Move the file in versions/ named above out of the way (or restore what the import wrote); bring the database to the head of versions/ first ' +
        '(`cgm current` shows where it is, `cgm upgrade` moves it), then check the other problems and add --force if its assumptions hold. Nothing was written.',
    );
  });

  it('suggests a TypeScript loader for a MikroORM config that does not import, and the context flag for a missing context', () => {
    expect(hintFor(new MikroOrmConfigInvalidError('/app/mikro-orm.config.ts', 'it could not be imported: Invalid or unexpected token'))).toContain(
      '`NODE_OPTIONS="--import tsx" cgmigrate import mikro-orm`',
    );
    expect(hintFor(new MikroOrmConfigInvalidError('/app/mikro-orm.config.ts', "its array holds no config for context 'x' (…)"))).toContain('--mikro-orm-context <name>');
  });
});

describe('checkHint', () => {
  it('says to upgrade, in the singular or plural, to heads when there are several', () => {
    expect(checkHint({ pending: ['b2'], heads: ['b2'], problems: [] })).toBe('Run `cgmigrate upgrade head` to apply it.');
    expect(checkHint({ pending: ['b2', 'c3'], heads: ['c3'], problems: [] })).toBe('Run `cgmigrate upgrade head` to apply them.');
    expect(checkHint({ pending: ['b2', 'c3'], heads: ['b2', 'c3'], problems: [] }, { bin: 'cgm' })).toBe('Run `cgm upgrade heads` to apply them.');
    expect(checkHint({ pending: [], heads: ['c3'], problems: [] })).toBeUndefined();
  });

  it('offers reverting an edited migration, or accepting the edit with audit accept', () => {
    const edited = [{ revision: 'b2' }] as unknown as NonNullable<Parameters<typeof checkHint>[0]['edited']>;
    expect(checkHint({ pending: [], heads: ['c3'], edited })).toBe(
      'Undo the edit of the applied migration (`git diff` on the file) and put the change into a new migration; or, if the edit ' +
        'was reviewed and changes nothing that ran (a comment, formatting), accept it: `cgmigrate audit accept b2 --reason "…"`.',
    );
    const two = [{ revision: 'a1' }, { revision: 'b2' }] as unknown as typeof edited;
    expect(checkHint({ pending: ['c3'], heads: ['c3'], edited: two }, { bin: 'cgm' })).toMatch(
      /^Run `cgm upgrade head` to apply it\. Undo the edit of each applied migration .*`cgm audit accept <revision> --reason "…"`\.$/,
    );
  });
});

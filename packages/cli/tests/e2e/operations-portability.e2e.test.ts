// @module-tag postgres
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { interpretScenario, scenarioPicks, type ScenarioPicks } from './portable-schema/generate-revisions.js';
import { normaliseDescription } from './portable-schema/normalise-description.js';
import { renderMigration } from './portable-schema/render-migration.js';
import { BOOKKEEPING_TABLES, revisionId, runRevisions, type DialectOutcome } from './portable-schema/run-revisions.js';

/** Every table, normalised, by name. */
const normalised = (outcome: DialectOutcome) =>
  Object.fromEntries(Object.entries(outcome.tables).map(([name, table]) => [name, normaliseDescription(table)]));

/** The migration files of a scenario, for the message of a failing run. */
const source = (picks: ScenarioPicks): string =>
  interpretScenario(picks)
    .revisions.map((steps, i) => renderMigration(revisionId(i), i === 0 ? null : revisionId(i - 1), steps))
    .join('\n');

/** A failed run names the migration files it ran, so that a counterexample can be read. */
async function withFiles<T>(run: Promise<T>, files: string): Promise<T> {
  try {
    return await run;
  } catch (error) {
    throw new Error(`${String(error)}\n${String((error as Error).cause ?? '')}\n\n${files}`, { cause: error });
  }
}

/**
 * Issue 19's portability promise: the same migration files, made of schema operations,
 * leave the same schema on SQLite and on PostgreSQL, up to the type mapping of
 * docs/operations.md; and `downgrade base` undoes them on both.
 */
describe('schema operations are portable between SQLite and PostgreSQL', () => {
  it('random operations on a random schema give the same introspected tables on both', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioPicks, async (picks) => {
        const scenario = interpretScenario(picks);
        const files = source(picks);
        const sqlite = await withFiles(runRevisions('sqlite', scenario.revisions), files);
        const postgres = await withFiles(runRevisions('postgresql', scenario.revisions), files);
        expect(Object.keys(sqlite.tables).sort(), files).toEqual(scenario.tables);
        expect(Object.keys(postgres.tables).sort(), files).toEqual(scenario.tables);
        expect(sqlite.views, files).toEqual(scenario.views);
        expect(postgres.views, files).toEqual(scenario.views);
        expect(normalised(sqlite), files).toEqual(normalised(postgres));
        expect(sqlite.tablesAfterDowngrade, files).toEqual([...BOOKKEEPING_TABLES]);
        expect(postgres.tablesAfterDowngrade, files).toEqual([...BOOKKEEPING_TABLES]);
      }),
      { numRuns: 40, seed: 19_019, endOnFailure: false },
    );
  }, 240_000);
});

/**
 * What some tests need beyond Node and npm packages: a PostgreSQL server, a MariaDB server,
 * Debian's Alembic. Each has a Vitest tag that marks the tests needing it
 * (`// @module-tag postgres` at the top of a file, or `{ tags: ['postgres'] }` on a
 * `describe`), and a variable that the test command (`tools/ci/test.sh`, through
 * `tools/setup/test-servers.ts`) sets to the reason when it could not provide it: the tests
 * with that tag are then skipped, and the command's last line gives the reason.
 *
 * No imports but types, so that the setup script can load it with Node alone.
 *
 * @packageDocumentation
 */
import type { TestTagDefinition } from 'vitest/config';

/** One thing tests may need, its tag, and the variable that skips them with a reason. */
export interface TestRequirement {
  /** The Vitest tag on the tests that need it. */
  readonly tag: 'postgres' | 'mariadb' | 'alembic';
  /** Its name in messages. */
  readonly name: string;
  /** Set, to the reason, when the tests that need it are to be skipped. */
  readonly skipVariable: string;
  /** Names one of the user's own instead (a server's URL, a Python): the setup then changes nothing. */
  readonly ownVariable: string;
}

/** Every requirement, in the order messages list them. */
export const TEST_REQUIREMENTS: readonly TestRequirement[] = [
  { tag: 'postgres', name: 'PostgreSQL', skipVariable: 'CGMIGRATE_SKIP_PG', ownVariable: 'CGMIGRATE_TEST_PG_URL' },
  { tag: 'mariadb', name: 'MariaDB', skipVariable: 'CGMIGRATE_SKIP_MARIADB', ownVariable: 'CGMIGRATE_TEST_MARIADB_URL' },
  { tag: 'alembic', name: 'Alembic', skipVariable: 'CGMIGRATE_SKIP_ALEMBIC', ownVariable: 'CGMIGRATE_ALEMBIC_PYTHON' },
];

/**
 * The Vitest tag definitions for a package's `vitest.config.ts`: each requirement's tag,
 * skipped when its variable is set.
 *
 * ### Examples
 * ```ts
 * export default defineConfig({ test: { include: ['tests/**\/*.test.ts'], tags: testRequirementTags() } });
 * ```
 */
export function testRequirementTags(env: NodeJS.ProcessEnv = process.env): TestTagDefinition[] {
  return TEST_REQUIREMENTS.map((requirement) => {
    const reason = env[requirement.skipVariable];
    return {
      name: requirement.tag,
      description: reason ? `skipped: ${reason}` : `needs ${requirement.name}`,
      skip: Boolean(reason),
    };
  });
}

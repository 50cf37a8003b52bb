import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

import { testRequirementTags } from '../../tools/test-db/test-requirements.js';

export default defineConfig({
  test: {
    // Tests tagged postgres, mariadb or alembic are skipped when the test command could not provide it.
    tags: testRequirementTags(),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'cli',
          include: ['tests/unit/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/docs/**/*.test.ts'],
          // Vitest's default leaves a CPU for whatever else runs (one worker on two CPUs), but a
          // file here spends its time waiting for the processes and servers it starts: two
          // files at a time at least keep both CPUs of a small machine at work.
          maxWorkers: Math.max(2, availableParallelism() - 1),
        },
      },
      {
        extends: true,
        test: {
          name: 'install',
          include: ['tests/install/**/*.test.ts'],
          // `npm run pack` rebuilds every package's dist in place: run it after every test that
          // starts the built CLI, never beside one.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

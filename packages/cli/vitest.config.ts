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
          exclude: ['tests/e2e/verify.e2e.test.ts'],
          // Vitest's default leaves a CPU for whatever else runs (one worker on two CPUs), but a
          // file here spends its time waiting for the processes and servers it starts: two
          // files at a time at least keep both CPUs of a small machine at work.
          maxWorkers: Math.max(2, availableParallelism() - 1),
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          // Each needs the server or the build to itself, so it runs after the rest, one file at a
          // time: `npm run pack` rebuilds every package's dist in place (which a CLI starting
          // beside it would find half written), and verify's tests count and look for its scratch
          // databases across the whole PostgreSQL server.
          include: ['tests/install/**/*.test.ts', 'tests/e2e/verify.e2e.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

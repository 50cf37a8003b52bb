import { defineConfig } from 'vitest/config';

import { testRequirementTags } from '../../tools/test-db/test-requirements.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests tagged postgres, mariadb or alembic are skipped when the test command could not provide it.
    tags: testRequirementTags(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The tests start the service as real processes on real databases; one file at a time keeps the 2-core machine usable.
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

import { testRequirementTags } from '../../tools/test-db/test-requirements.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests tagged postgres, mariadb or alembic are skipped when the test command could not provide it.
    tags: testRequirementTags(),
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

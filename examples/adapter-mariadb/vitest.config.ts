import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The end-to-end test installs the plugin into the CLI and spawns it; one file at a time keeps the 2-core machine usable.
    fileParallelism: false,
  },
});

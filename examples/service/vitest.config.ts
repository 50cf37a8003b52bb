import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The tests start the service as real processes on real databases; one file at a time keeps the 2-core machine usable.
    fileParallelism: false,
  },
});

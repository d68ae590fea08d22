import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Lab and engine suites share kernel namespaces and a container engine: run files one at a time.
    fileParallelism: false,
    reporters: ['default'],
  },
});

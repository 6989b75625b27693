import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests, and integration tests that drive real
// containerd and registry processes through the lab (root only).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
          // the property tests take 1-4 s alone and more on a shared 2-CPU machine
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // The lab is one set of daemons per machine: run files one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});

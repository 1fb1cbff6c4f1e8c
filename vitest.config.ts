import { defineConfig } from 'vitest/config';

// Integration tests share one real stack (Kafka, moto, Prometheus) on a 2-core machine:
// run test files one at a time so that throughput-sensitive tests do not starve each other.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child-process and SQLite file tests are I/O bound; two workers match the 2-core machine.
    maxWorkers: 2,
  },
})

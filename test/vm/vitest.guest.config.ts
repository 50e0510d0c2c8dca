/** The vitest config for suites that run INSIDE the test VM (test/vm/guests/), never on the host. */
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

// Not mergeConfig: it would append to the base config's include list, and run every host test too.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/vm/guests/*.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});

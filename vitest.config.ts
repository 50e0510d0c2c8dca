import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Examples import 'nlbkit' exactly as users do; in this repo that means the sources.
  resolve: {
    alias: [
      { find: /^nlbkit$/, replacement: src('index.ts') },
      { find: /^nlbkit\/mock$/, replacement: src('drivers/mock/index.ts') },
      { find: /^nlbkit\/testing$/, replacement: src('testing/index.ts') },
      { find: /^nlbkit\/aws$/, replacement: src('drivers/aws/index.ts') },
      { find: /^nlbkit\/native$/, replacement: src('drivers/native/index.ts') },
      { find: /^nlbkit\/openstack$/, replacement: src('drivers/openstack/index.ts') },
      { find: /^nlbkit\/azure$/, replacement: src('drivers/azure/index.ts') },
      { find: /^nlbkit\/gcp$/, replacement: src('drivers/gcp/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Namespace tests share the kernel; their files run one at a time (see test/e2e).
    fileParallelism: true,
  },
});

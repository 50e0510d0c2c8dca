import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { INTEGRATION_INCLUDE, NETNS_INCLUDE, UNIT_INCLUDE, VM_INCLUDE } from './test/projects.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Examples import 'nlbkit' exactly as users do; in this repo that means the sources. The aliases come
 * from package.json's exports (`./dist/x/index.js` -> `src/x/index.ts`), so a new entry point cannot be
 * forgotten here.
 */
const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8')) as {
  exports: Record<string, { import: string } | string>;
};
const entries = Object.entries(pkg.exports).flatMap(([entry, t]) =>
  typeof t === 'string' ? [] : [[entry, t] as const],
);
const alias = entries.map(([entry, target]) => ({
  find: new RegExp(`^${`nlbkit${entry.slice(1)}`.replace(/[/.]/g, '\\$&')}$`),
  replacement: here(target.import.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files run in parallel, namespace tests too: each lab names its namespaces and addresses after
    // its process (see test/e2e/README.md), so labs never meet.
    fileParallelism: true,
    // `npm run test:unit` runs the first alone, on every CPU: no root, under a minute. `npm test` runs
    // all four.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT_INCLUDE,
          // Worker threads sharing one module cache per worker: each SDK loads once, not once per file
          // (GCP's takes ~2 s), and a thread starts faster than a process. Unit tests leave no globals
          // behind; the project passes in either mode. bench/unit-speed.ts measures it.
          pool: 'threads',
          isolate: false,
          exclude: [...configDefaults.exclude, ...INTEGRATION_INCLUDE, ...NETNS_INCLUDE, ...VM_INCLUDE],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_INCLUDE,
          exclude: [...configDefaults.exclude, ...NETNS_INCLUDE, ...VM_INCLUDE],
        },
      },
      { extends: true, test: { name: 'netns', include: NETNS_INCLUDE } },
      { extends: true, test: { name: 'vm', include: VM_INCLUDE } },
    ],
  },
});

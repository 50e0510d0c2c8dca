/**
 * The fast `unit` project must run without root: every test file that calls a privilege check (root,
 * namespaces, BIRD, PostgreSQL, the VM) is in the `netns` or `vm` project, and every entry point in
 * package.json has its tsconfig path (vitest's aliases are generated from the same exports).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_FILES, NETNS_FILES, PRIVILEGE_CHECKS, projectOf, TEST_ROOTS } from '../projects.js';

const root = join(import.meta.dirname, '..', '..');
const testFiles = TEST_ROOTS.flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => `${dir}/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules/')),
);

describe('vitest projects', () => {
  it('puts every test file that asks for privileges outside the unit project', () => {
    const calls = new RegExp(`\\b(${PRIVILEGE_CHECKS.join('|')})\\(`);
    const privileged = testFiles.filter((f) => calls.test(readFileSync(join(root, f), 'utf8')));
    expect(privileged.length).toBeGreaterThan(10);
    expect(privileged.filter((f) => projectOf(f) === 'unit')).toEqual([]);
  });

  it('lists only test files that exist', () => {
    expect(NETNS_FILES.filter((f) => !testFiles.includes(f))).toEqual([]);
    expect(INTEGRATION_FILES.filter((f) => !testFiles.includes(f))).toEqual([]);
  });

  it('keeps the unit project the largest: most files need neither root nor a whole program', () => {
    const count = (p: string) => testFiles.filter((f) => projectOf(f) === p).length;
    expect(count('integration')).toBeGreaterThan(10);
    expect(count('unit')).toBeGreaterThan(3 * count('integration'));
  });

  it('gives every package entry point a tsconfig path to its source', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, { import: string } | string>;
    };
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    const expected: Record<string, string[]> = {};
    for (const [entry, t] of Object.entries(pkg.exports))
      if (typeof t !== 'string')
        expected[`nlbkit${entry.slice(1)}`] = [
          t.import.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts'),
        ];
    expect(tsconfig.compilerOptions.paths).toEqual(expected);
  });
});

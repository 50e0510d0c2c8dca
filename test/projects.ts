/**
 * Which test files belong to which vitest project (vitest.config.ts): `unit` runs anywhere without
 * root in seconds; `netns` needs root (network namespaces, nft, BIRD, PostgreSQL started as its own
 * user); `vm` boots the Debian-kernel VM. `npm test` (and CI) runs all three. A test that calls one of
 * the privilege checks below must be listed here: test/unit/test-projects.test.ts enforces it.
 */

/** Folders whose every test file is in the project. */
export const NETNS_DIRS = ['test/e2e/', 'test/native/'] as const;
export const VM_DIRS = ['test/vm/'] as const;

/** Single test files elsewhere that need root. */
export const NETNS_FILES = [
  'src/cli/agent-command.test.ts',
  'src/cli/agent-postgres.test.ts',
  'src/drivers/native/native-contention.test.ts',
  'src/drivers/native/native-shared-store.test.ts',
  'src/native/agent/agent-postgres-outage.test.ts',
  'src/native/health/netns-health-source.test.ts',
  'src/native/store/postgres-leases.test.ts',
  'src/native/store/postgres-store.test.ts',
  'test/conformance/native-postgres.conformance.test.ts',
  'test/conformance/native.conformance.test.ts',
] as const;

/** The calls by which a test file asks for root, a namespace, BIRD, PostgreSQL or the VM. */
export const PRIVILEGE_CHECKS = [
  'canRunBird',
  'requireRootNetns',
  'requireL2Lab',
  'vmPrepared',
  'postgresBinDir',
  'checkLabRequirements',
] as const;

/** Where test files live. */
export const TEST_ROOTS = ['src', 'test', 'examples'] as const;

const glob = (dir: string) => `${dir}**/*.test.ts`;
export const UNIT_INCLUDE = TEST_ROOTS.map((r) => glob(`${r}/`));
export const NETNS_INCLUDE = [...NETNS_DIRS.map(glob), ...NETNS_FILES];
export const VM_INCLUDE = VM_DIRS.map(glob);

/** The project a test file (a path relative to the repository, with '/') belongs to. */
export function projectOf(file: string): 'unit' | 'netns' | 'vm' {
  if (VM_DIRS.some((d) => file.startsWith(d))) return 'vm';
  if (NETNS_DIRS.some((d) => file.startsWith(d)) || (NETNS_FILES as readonly string[]).includes(file))
    return 'netns';
  return 'unit';
}

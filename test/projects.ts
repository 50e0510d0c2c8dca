/**
 * Which test files belong to which vitest project (vitest.config.ts): `unit` runs anywhere without
 * root, in under a minute; `integration` needs no root either but runs whole programs and documents
 * (the packed package, docs and README sessions, examples, the CLI under tmux, `nlbkit serve` as a
 * process) and every step of every cloud operation (the fault matrices); `netns` needs root (network
 * namespaces, nft, BIRD, PostgreSQL started as its own user); `vm` boots the Debian-kernel VM.
 * `npm test` (and CI) runs all four. A test that calls one of the privilege checks below must be
 * listed here: test/unit/test-projects.test.ts enforces it.
 */

/** Folders whose every test file is in the project. */
export const NETNS_DIRS = ['test/e2e/', 'test/native/'] as const;
export const VM_DIRS = ['test/vm/'] as const;

/** Folders of programs and documents run end to end: no root, but minutes, not seconds. */
export const INTEGRATION_DIRS = ['test/package/', 'test/cli/', 'examples/'] as const;

/** Single files elsewhere that run a program or a document end to end, or a whole fault matrix. */
export const INTEGRATION_FILES = [
  'src/cli/agent-announce-command.test.ts',
  'src/cli/agent-command-l2.test.ts',
  'src/cli/nlb/nlb-terminal.test.ts',
  'src/cli/status-command.test.ts',
  'src/native/announce/l2/l2-watchdog.test.ts',
  'src/native/health/netns-worker-delta.test.ts',
  'src/native/store/file-store-crash.test.ts',
  'test/drivers/abort-in-flight.test.ts',
  'test/drivers/aws/aws-adopt-faults.test.ts',
  'test/drivers/aws/aws-faults.test.ts',
  'test/drivers/azure/azure-adopt.test.ts',
  'test/drivers/azure/azure-faults.test.ts',
  'test/drivers/gcp/gcp-adopt.test.ts',
  'test/drivers/gcp/gcp-faults.test.ts',
  'test/drivers/no-secrets-in-errors.test.ts',
  'test/drivers/openstack/openstack-adopt.test.ts',
  'test/drivers/openstack/openstack-faults.test.ts',
  'test/server/docs-curl-session.test.ts',
  'test/server/serve-command.test.ts',
  'test/unit/bench-spread-load.test.ts',
  'test/unit/cli-mock-demo.test.ts',
  'test/unit/hostile-input.property.test.ts',
  'test/unit/no-sdk-on-import.test.ts',
  'test/unit/readme-quickstart.test.ts',
] as const;

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
export const INTEGRATION_INCLUDE = [...INTEGRATION_DIRS.map(glob), ...INTEGRATION_FILES];

/** The project a test file (a path relative to the repository, with '/') belongs to. */
export function projectOf(file: string): 'unit' | 'integration' | 'netns' | 'vm' {
  if (VM_DIRS.some((d) => file.startsWith(d))) return 'vm';
  if (NETNS_DIRS.some((d) => file.startsWith(d)) || (NETNS_FILES as readonly string[]).includes(file))
    return 'netns';
  if (
    INTEGRATION_DIRS.some((d) => file.startsWith(d)) ||
    (INTEGRATION_FILES as readonly string[]).includes(file)
  )
    return 'integration';
  return 'unit';
}

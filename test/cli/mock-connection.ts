/**
 * A connections file with mock connections for the CLI tests, and the seam that hands every run the
 * same mock driver per connection (a mock keeps its state in its process; each in-process run would
 * otherwise start empty), so a test can inject faults and read the driver's call log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli/nlb/cli-io.js';
import { AWS_CAPABILITIES } from '../../src/drivers/aws/index.js';
import { createMockDriver, type MockDriver } from '../../src/drivers/mock/index.js';

const VMS = { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' }, web3: { ipv4: '10.0.0.13' } };

/** A temporary directory with `nlbkit.yaml` naming `test` (mock) and `awslike` (mock with AWS's limits). */
export interface MockSetup {
  dir: string;
  config: string;
  /** The driver behind each connection, made on first use and kept. */
  drivers: Map<string, MockDriver>;
  createConnection: NonNullable<CliIO['createConnection']>;
  remove(): Promise<void>;
}

/** Makes the setup; `remove()` deletes the directory. */
export async function mockSetup(): Promise<MockSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'nlbkit-cli-mock-'));
  const config = join(dir, 'nlbkit.yaml');
  await writeFile(
    config,
    'connections:\n  test: {driver: mock, vms: {web1: {ipv4: 10.0.0.11}}}\n  awslike: {driver: mock}\n',
  );
  const drivers = new Map<string, MockDriver>();
  const createConnection: MockSetup['createConnection'] = async (cfg) => {
    // Told apart by their options: `test` names a VM in the file, `awslike` does not.
    const name = cfg.driver === 'mock' && cfg.vms ? 'test' : 'awslike';
    let driver = drivers.get(name);
    if (!driver) {
      driver = createMockDriver({
        vms: VMS,
        ...(name === 'awslike' ? { capabilities: AWS_CAPABILITIES } : {}),
      });
      drivers.set(name, driver);
    }
    return { handler: driver, close: async () => {} };
  };
  return { dir, config, drivers, createConnection, remove: () => rm(dir, { recursive: true, force: true }) };
}

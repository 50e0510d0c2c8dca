/** docs/drivers/comparison.md holds the table rendered from the capabilities the drivers enforce. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AWS_CAPABILITIES } from '../../src/drivers/aws/index.js';
import { AZURE_CAPABILITIES } from '../../src/drivers/azure/index.js';
import { GCP_CAPABILITIES } from '../../src/drivers/gcp/index.js';
import { mockDefaultCapabilities } from '../../src/drivers/mock/mock-capabilities.js';
import { NATIVE_CAPABILITIES } from '../../src/drivers/native/native-capabilities.js';
import { OPENSTACK_CAPABILITIES, OPENSTACK_OVN_CAPABILITIES } from '../../src/drivers/openstack/index.js';
import { capabilitiesTable } from './capabilities-table.js';

it('docs/drivers/comparison.md matches the drivers capabilities (regenerate: print capabilitiesTable)', async () => {
  const table = capabilitiesTable([
    AWS_CAPABILITIES,
    AZURE_CAPABILITIES,
    GCP_CAPABILITIES,
    OPENSTACK_CAPABILITIES,
    { ...OPENSTACK_OVN_CAPABILITIES, driver: 'openstack (ovn)' },
    NATIVE_CAPABILITIES,
    mockDefaultCapabilities,
  ]);
  const doc = await readFile(join(import.meta.dirname, '../../docs/drivers/comparison.md'), 'utf8');
  expect(doc, `docs/drivers/comparison.md should contain:\n${table}`).toContain(table);
});

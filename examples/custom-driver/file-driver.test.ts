/**
 * The file driver proves itself as any third party's driver would: the conformance suite, and the
 * peer cases with two drivers over one file (as two processes of a broker would hold them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nlbHandlerConformance, nlbHandlerPeerConformance } from 'nlbkit/testing';
import { createFileDriver } from './file-driver.js';

const vms = {
  vm1: { ip: '10.0.0.11' },
  vm2: { ip: '10.0.0.12' },
  vm3: { ip: '10.0.0.13' },
  vm4: { ip: '10.0.0.14' },
};

/** A fresh file in a fresh directory, and the world's VMs. */
async function world() {
  const dir = await mkdtemp(join(tmpdir(), 'nlbkit-file-driver-'));
  const path = join(dir, 'nlbs.json');
  return {
    path,
    vms: Object.keys(vms).map((nameId) => ({ nameId })),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

nlbHandlerConformance('file (examples/custom-driver)', async () => {
  const { path, ...rest } = await world();
  return { driver: createFileDriver({ path, vms }), ...rest };
});

nlbHandlerPeerConformance('file (examples/custom-driver)', async () => {
  const { path, ...rest } = await world();
  return { driver: createFileDriver({ path, vms }), peer: createFileDriver({ path, vms }), ...rest };
});

/**
 * Runs INSIDE the test VM (scripts/vm/run.sh; kernel with nftables flowtables), started by
 * flowtable.vm.test.ts. Checks the native data plane's flowtable option against a real kernel and
 * prints one line `NLBKIT-RESULT <json>` for the test on the host to assert on.
 */

import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { startNativeLab } from '../e2e/harness/native-lab.js';
import { nodeState, service } from '../native/nft-fixtures.js';

const log = (line: string) => console.log(`guest: ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const result: Record<string, unknown> = {};

log('starting the lab');
const lab = await startNativeLab({
  backends: 2,
  ipv6: false,
  prefix: 'nlbk-vm',
  extraClients: 0,
  driver: { convergenceTimeoutMs: 120_000 },
  agent: { flowtable: { devices: ['up0', 'dn0'] } },
});
try {
  log('lab built');
  const lb = lab.topo.lbNodes[0]!;
  const devices = ['up0', 'dn0'];

  // 1. The data plane alone, in a table of its own: full rebuild, adoption by a fresh instance,
  //    read-back, a device-list change, and a device that does not exist.
  const state = nodeState([service({ vip: '198.18.99.1', backends: [] })]);
  const dp = (d: string[]) =>
    createNftDataplane({ executor: lb.exec, tableName: 'nlbk_vmt', flowtable: { devices: d } });
  result.firstSync = (await dp(devices).sync(state)).mode;
  log(`first sync: ${result.firstSync}`);
  const again = dp(devices);
  result.restartSync = (await again.sync(state)).mode;
  result.verify = await again.verify(state);
  result.listing = (await lb.exec.run(['nft', 'list', 'flowtable', 'inet', 'nlbk_vmt', 'ft'])).stdout;
  result.otherDevicesSync = (await dp(['up0']).sync(state)).mode;
  result.verifyOtherDevices = await dp(devices).verify(state);
  await dp(devices).destroy();
  result.missingDevice = await dp(['nosuch0'])
    .sync(state)
    .then(
      () => 'accepted',
      (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }),
    );
  log('data plane checks done');

  // 2. Through the driver: a held TCP connection through the VIP is offloaded and keeps working.
  const nlb = await lab.driver.createNLB({
    iid: { nameId: 'ft-web' },
    vpcIID: { nameId: 'vpc' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: lab.topo.backends.map((b) => ({ nameId: b.name })) },
    healthChecker: { protocol: 'TCP' },
  });
  const vip = nlb.listener.ip!;
  log(`NLB at ${vip}`);
  const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 50 });
  await sleep(3000);
  // /proc/net/nf_conntrack is per namespace: read it inside the LB node's.
  const ct = (await lb.exec.run(['cat', '/proc/net/nf_conntrack'])).stdout;
  const flow = ct.split('\n').filter((l) => l.includes(`dst=${vip}`) && l.includes('dport=80'));
  result.heldFlow = flow;
  const before = await held.status();
  await sleep(2000);
  const after = await held.release();
  result.echoedBefore = before.echoed;
  result.echoedAfter = after.echoed;
  result.heldErrors = after.errors;
  const batch = await lab.topo.client.agent.batch({ proto: 'tcp', host: vip, port: 80, count: 20 });
  result.batchOk = batch.filter((r) => r.ok).length;
  result.driverTable = (await lb.exec.run(['nft', 'list', 'flowtable', 'inet', 'nlbkit', 'ft'])).code;
} catch (e) {
  result.error = (e as Error).stack ?? String(e);
} finally {
  await lab.destroy();
  console.log(`NLBKIT-RESULT ${JSON.stringify(result)}`);
}

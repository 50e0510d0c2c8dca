/**
 * `nlbkit demo --mock`: walks through the NLBHandler API on the mock driver, printing each step.
 * Needs no privileges, so it is the first thing a new user can run.
 */
import { createMockDriver } from '../drivers/mock/index.js';
import { isNLBError, type NLBInfo } from '../interfaces/index.js';

const line = (label: string, text: string) => console.log(`  ${label.padEnd(24)} ${text}`);
const describeNLB = (n: NLBInfo) =>
  `${n.listener.protocol} ${n.listener.ip}:${n.listener.port} -> ${n.vmGroup.protocol}:${n.vmGroup.port} ` +
  `[${n.vmGroup.vms.map((vm) => vm.nameId).join(', ')}] (${n.vmGroup.algorithm})`;

/** Runs the mock walk-through, printing each step to stdout. */
export async function runMockDemo(): Promise<void> {
  console.log('nlbkit demo (mock driver: in memory, no privileges needed)\n');
  const nlb = createMockDriver({
    vms: { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' }, web3: { ipv4: '10.0.0.13' } },
  });
  const iid = { nameId: 'web' };
  const created = await nlb.createNLB({
    iid,
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }, { nameId: 'web2' }] },
    healthChecker: { protocol: 'HTTP', httpPath: '/healthz', interval: 5, threshold: 2 },
  });
  line('createNLB', describeNLB(created));
  line('addVMs web3 (weight 2)', describeNLB(await nlb.addVMs(iid, [{ nameId: 'web3', weight: 2 }])));
  nlb.setVMHealth('web2', 'UNHEALTHY', 'HTTP 500 on /healthz');
  const health = await nlb.getVMGroupHealthInfo(iid);
  line(
    'getVMGroupHealthInfo',
    `healthy [${health.healthyVMs.map((v) => v.nameId)}], unhealthy [${health.unhealthyVMs.map((v) => v.nameId)}]`,
  );
  await nlb.removeVMs(iid, [{ nameId: 'web2' }]);
  line('removeVMs web2', describeNLB(await nlb.getNLB(iid)));
  line('changeListener :443', describeNLB(await nlb.changeListener(iid, { protocol: 'TCP', port: 443 })));
  try {
    await nlb.changeListener(iid, { protocol: 'TCP', port: 70000 });
  } catch (e) {
    if (!isNLBError(e)) throw e;
    line('bad input is typed', `${e.code}: ${e.violations.map((v) => `${v.path} ${v.message}`).join('; ')}`);
  }
  nlb.failNext('deleteNLB', { code: 'THROTTLED' });
  await nlb.deleteNLB(iid).catch((e: unknown) => {
    if (isNLBError(e)) line('injected fault', `${e.code} (retryable: ${e.retryable})`);
  });
  line('deleteNLB', String(await nlb.deleteNLB(iid)));
  line('listNLB', `${(await nlb.listNLB()).length} load balancers left`);
}

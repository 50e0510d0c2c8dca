/**
 * `nlbkit demo` on the native driver: builds a throwaway network in namespaces (a client, an LB node,
 * three backends running real servers), lets nlbkit program the LB node's nftables through the public
 * NLBHandler API, sends real traffic and prints where it went, then changes the group and shows the
 * effect. Everything is removed at the end, on error and on Ctrl-C.
 */
import type { NLBHandler } from '../interfaces/handler.js';
import { DEMO_PREFIX, listNamespaces, removeRemembered } from '../lab/lab-names.js';
import { checkLabRequirements } from '../lab/lab-preflight.js';
import { type ConnResult, countByBackend } from '../lab/lab-programs.js';
import { buildTopology, type Topology } from '../lab/lab-topology.js';
import { renderShares } from './demo-render.js';

const CONNECTIONS = 300;

/**
 * Runs the demo. Needs root, `ip` and `nft`; when one is missing it says what and how to get it and
 * sets a non-zero exit code.
 *
 * @example
 * await runNativeDemo(); // npm run demo
 */
export async function runNativeDemo(): Promise<void> {
  const missing = checkLabRequirements();
  if (missing.length > 0) {
    console.error('The native demo builds network namespaces and programs nftables; this host lacks:');
    for (const m of missing) console.error(`  - ${m.what}: ${m.fix}`);
    console.error('Without privileges, try the mock walk-through: nlbkit demo --mock');
    process.exitCode = 1;
    return;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: removing the demo's namespaces...`);
    removeRemembered();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log('nlbkit native demo: nlbkit itself is the load balancer, programming nftables.');
  console.log('(Ctrl-C at any time removes everything the demo made.)\n');
  let topo: Topology | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    topo = await buildLab();
    const lb = await startDriver(topo);
    close = lb.close;
    await walkThrough(topo, lb.driver);
    await close();
    close = undefined;
    await topo.destroy();
    const { runHaStep } = await import('./native-demo-ha.js');
    await runHaStep((text) => console.log(`\n${text}`));
  } finally {
    await close?.().catch(() => undefined);
    await topo?.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const left = listNamespaces().filter((ns) => ns.startsWith(`${DEMO_PREFIX}-${process.pid}-`));
    console.log(
      left.length === 0 ? '\nCleaned up: every demo namespace is gone.' : `\nLeft behind: ${left.join(' ')}`,
    );
  }
}

async function buildLab(): Promise<Topology> {
  const topo = await buildTopology({
    backends: 3,
    lbNodes: 1,
    ipv6: true,
    prefix: DEMO_PREFIX,
    extraClients: 3,
  });
  console.log(`Built a throwaway network in namespaces ${topo.id}-*:`);
  console.log(`  client   ${topo.client.address.v4.padEnd(14)} ${topo.client.address.v6}`);
  const lb = topo.lbNodes[0]!;
  console.log(`  LB node  ${lb.backendSide.v4.padEnd(14)} ${lb.backendSide.v6}   (the backends' gateway)`);
  for (const be of topo.backends) {
    console.log(
      `  ${be.name.padEnd(7)}  ${be.address.v4.padEnd(14)} ${be.address.v6}   (TCP 8080, UDP 5300)`,
    );
  }
  return topo;
}

/** The native driver with its agent embedded in this process, programming the LB node's namespace. */
async function startDriver(topo: Topology): Promise<{ driver: NLBHandler; close: () => Promise<void> }> {
  // Loaded here so `nlbkit demo --mock` never loads the native engine.
  const { createMemoryStore, createNativeDriver } = await import('../drivers/native/index.js');
  const vmInventory = Object.fromEntries(
    topo.backends.map((be) => [be.name, { ipv4: be.address.v4, ipv6: be.address.v6 }]),
  );
  const driver = createNativeDriver({
    store: createMemoryStore(),
    vipPool: { ranges: [topo.vipPool.v4, topo.vipPool.v6] },
    vmInventory,
    // 'lo' rather than the agent's own dummy interface: some kernels (this CI's) lack the dummy driver.
    agent: { executor: topo.lbNodes[0]!.exec, node: 'lb0', interface: 'lo' },
  });
  return { driver, close: () => driver.close({ teardown: true }) };
}

/** Sends `count` connections and prints one bar per backend. */
async function show(
  topo: Topology,
  job: { proto: 'tcp' | 'udp'; host: string; port: number; count?: number; sourceAddress?: string },
): Promise<ConnResult[]> {
  const count = job.count ?? CONNECTIONS;
  const results = await topo.client.agent.batch({ ...job, count, concurrency: 10 });
  const counts = countByBackend(results);
  const rows = topo.backends.map((be) => ({
    name: be.name,
    detail: job.host.includes(':') ? be.address.v6 : be.address.v4,
    count: counts[be.name] ?? 0,
  }));
  if (counts.error) rows.push({ name: 'failed', detail: '', count: counts.error });
  console.log(renderShares(rows, count, '   '));
  const seen = [...new Set(results.filter((r) => r.ok).map((r) => r.client))];
  console.log(`   the backends saw the client address ${seen.join(', ')} (plain DNAT keeps it)`);
  return results;
}

/** The lines of nlbkit's nft table that mention `vip` (its dispatch entry and backend slots). */
async function programmedLines(topo: Topology, vip: string): Promise<string[]> {
  const out = await topo.lbNodes[0]!.exec.run(['nft', 'list', 'table', 'inet', 'nlbkit']);
  return out.stdout
    .split('\n')
    .map((line) =>
      line
        .trim()
        .replace(/^elements = \{ /, '')
        .replace(/[,}]+$/, '')
        .trim(),
    )
    .filter((line) => line.startsWith(`${vip} `));
}

async function walkThrough(topo: Topology, driver: NLBHandler): Promise<void> {
  const vms = topo.backends.map((be) => ({ nameId: be.name }));
  const step = (text: string) => console.log(`\n${text}`);

  step('1. createNLB demo-web: TCP listener port 80 -> the 3 VMs on port 8080, ROUND_ROBIN');
  const web = await driver.createNLB({
    iid: { nameId: 'demo-web' },
    vpcIID: { nameId: 'demo-vpc' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms, algorithm: 'ROUND_ROBIN' },
    healthChecker: { protocol: 'TCP' },
  });
  const vip = web.listener.ip!;
  console.log(`   VIP ${vip}. nlbkit put these elements into the LB node's nftables table:`);
  for (const line of await programmedLines(topo, vip)) console.log(`     ${line}`);
  console.log(`   ${CONNECTIONS} connections from the client:`);
  await show(topo, { proto: 'tcp', host: vip, port: 80 });

  step('2. removeVMs vm-1: new connections go to the others');
  await driver.removeVMs(web.iid, [{ nameId: 'vm-1' }]);
  await show(topo, { proto: 'tcp', host: vip, port: 80 });

  step('3. addVMs vm-1 with weight 4 (the others keep weight 1): it takes 4 of every 6');
  await driver.addVMs(web.iid, [{ nameId: 'vm-1', weight: 4 }]);
  await show(topo, { proto: 'tcp', host: vip, port: 80 });

  step('4. changeVMGroupInfo to SOURCE_HASH: each client address sticks to one backend');
  await driver.changeVMGroupInfo(web.iid, { protocol: 'TCP', port: 8080, vms, algorithm: 'SOURCE_HASH' });
  for (const source of [topo.client.address, ...topo.client.extra]) {
    const results = await topo.client.agent.batch({
      proto: 'tcp',
      host: vip,
      port: 80,
      count: 20,
      sourceAddress: source.v4,
    });
    const where = Object.entries(countByBackend(results)).map(([name, n]) => `${name} x${n}`);
    console.log(`   client ${source.v4.padEnd(12)} -> ${where.join(', ')}`);
  }

  step('5. createNLB demo-dns: UDP over IPv6, listener port 53 -> port 5300');
  const dns = await driver.createNLB({
    iid: { nameId: 'demo-dns' },
    vpcIID: { nameId: 'demo-vpc' },
    listener: { protocol: 'UDP', port: 53, ip: 'fd00:6e6c:626b:ff::53' },
    vmGroup: { protocol: 'UDP', port: 5300, vms },
    healthChecker: { protocol: 'UDP' },
  });
  console.log(`   VIP [${dns.listener.ip}]:53; ${CONNECTIONS} datagrams, each from a fresh source port:`);
  await show(topo, { proto: 'udp', host: dns.listener.ip!, port: 53 });

  step('6. deleteNLB both: the nlbkit table holds no load balancer any more');
  await driver.deleteNLB(web.iid);
  await driver.deleteNLB(dns.iid);
  const left = await programmedLines(topo, vip);
  console.log(`   elements left for ${vip}: ${left.length === 0 ? 'none' : left.join(' | ')}`);
  const after = await topo.client.agent.batch({
    proto: 'tcp',
    host: vip,
    port: 80,
    count: 1,
    timeoutMs: 500,
  });
  console.log(
    `   a connection to ${vip}:80 now ${after[0]?.ok ? 'still works (unexpected!)' : 'fails, as it should'}`,
  );
}

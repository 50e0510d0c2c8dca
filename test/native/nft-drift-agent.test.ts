/**
 * Drift inside `inet nlbkit` with traffic, through the agent: a client in one namespace reaches a VIP
 * on an LB namespace over a veth pair (so its flows enter by prerouting, as a real client's do). Rules
 * added by hand that rewrite the VIP's flows to another address, or drop everything, really take the
 * traffic; the running agent's next reconcile reports them and rebuilds the table, a restarted agent
 * does not adopt them, and afterwards the flows reach the real backends again.
 * Namespaces, addresses and servers are made here and removed afterwards; traffic stays inside them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/native/agent/agent.js';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { createMemoryStore } from '../../src/native/store/memory-store.js';
import { inNetns, makeNetns, requireRootNetns } from './netns.js';
import { makeRecord } from './store-record.js';

const enabled = requireRootNetns();

const VIP = '10.99.0.1';
const BACKENDS = ['10.0.0.11', '10.0.0.12'];
/** Where the hand-added rules send the VIP's flows. */
const ELSEWHERE = '10.0.0.19';

/** Backends answering with their own address, one process in the LB namespace; resolves once listening. */
function startServers(ns: string): Promise<ChildProcess> {
  const script = `const net = require('node:net');
    Promise.all(${JSON.stringify([...BACKENDS, ELSEWHERE])}.map((h) => new Promise((r) =>
      net.createServer((s) => s.end(h)).listen(8080, h, r)))).then(() => console.log('ready'));`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`backend servers exited (${code})`)));
  });
}

/** `n` connections from the client namespace to the VIP: who answered each (or the error). */
function probe(ns: string, n: number): string[] {
  const script = `const net = require('node:net');
    const get = () => new Promise((r) => { const c = net.connect(80, '${VIP}'); let d = '';
      c.setTimeout(1500, () => { c.destroy(); r('TIMEOUT'); });
      c.on('data', (x) => (d += x)); c.on('end', () => r(d)); c.on('error', (e) => r(e.code)); });
    (async () => { const out = []; for (let i = 0; i < ${n}; i++) out.push(await get());
      console.log(JSON.stringify(out)); })();`;
  return JSON.parse(inNetns(ns, [process.execPath, '-e', script])) as string[];
}

describe.skipIf(!enabled)('the agent repairs drift inside its table (traffic across namespaces)', () => {
  let lb: ReturnType<typeof makeNetns>;
  let client: ReturnType<typeof makeNetns>;
  let servers: ChildProcess | undefined;
  const store = createMemoryStore();
  const logs: string[] = [];

  beforeAll(async () => {
    lb = makeNetns('dl');
    client = makeNetns('dc');
    const on = (ns: string, ...argv: string[]) => inNetns(ns, ['ip', ...argv]);
    on(lb.name, 'link', 'add', 'vlb', 'type', 'veth', 'peer', 'name', 'vcl', 'netns', client.name);
    on(lb.name, 'addr', 'add', '192.168.77.1/24', 'dev', 'vlb');
    on(lb.name, 'link', 'set', 'vlb', 'up');
    on(client.name, 'addr', 'add', '192.168.77.2/24', 'dev', 'vcl');
    on(client.name, 'link', 'set', 'vcl', 'up');
    on(client.name, 'route', 'add', '10.99.0.0/24', 'via', '192.168.77.1');
    for (const a of [...BACKENDS, ELSEWHERE]) on(lb.name, 'addr', 'add', `${a}/32`, 'dev', 'lo');
    servers = await startServers(lb.name);
    await store.put(makeRecord('web', { vip: VIP, vms: { vm1: BACKENDS[0]!, vm2: BACKENDS[1]! } }));
  });
  afterAll(() => {
    servers?.kill();
    client?.remove();
    lb?.remove();
  });

  const start = async () => {
    const ex = netnsExecutor(lb.name);
    const agent = createAgent({
      store,
      node: 'lb1',
      executor: ex,
      dataplane: () => createNftDataplane({ executor: ex }),
      intervalSeconds: 3600,
      log: (line) => logs.push(line),
    });
    return { agent, outcome: await agent.start() };
  };
  const byHand = (script: string) => inNetns(lb.name, ['nft', script]);
  const table = () => inNetns(lb.name, ['nft', 'list', 'table', 'inet', 'nlbkit']);
  const servedByBackends = (answers: string[]) => expect(new Set(answers)).toEqual(new Set(BACKENDS));

  it('a rewrite or a drop added by hand takes traffic until the agent rebuilds its table', async () => {
    const first = await start();
    expect(first.outcome.sync.mode).toBe('full');
    servedByBackends(probe(client.name, 4));
    const clean = table();

    // A chain hooked at prerouting, ahead of nlbkit's, sends the VIP's flows elsewhere.
    byHand(
      `add chain inet nlbkit hijack { type nat hook prerouting priority -150; policy accept; }; add rule inet nlbkit hijack ip daddr ${VIP} tcp dport 80 dnat ip to ${ELSEWHERE}:8080`,
    );
    expect(probe(client.name, 2)).toEqual([ELSEWHERE, ELSEWHERE]);
    const repaired = await first.agent.reconcile();
    expect(repaired.drift).toEqual([
      'chain hijack: unexpected, type nat hook prerouting priority -150 policy accept, 1 rule',
    ]);
    expect(repaired.sync.mode).toBe('full');
    expect(logs.some((l) => l.includes('kernel drifted') && l.includes('chain hijack'))).toBe(true);
    expect(table()).toBe(clean);
    servedByBackends(probe(client.name, 4));

    // A rule inserted into nlbkit's own prerouting chain, then the agent restarts: not adopted.
    byHand(`insert rule inet nlbkit prerouting ip daddr ${VIP} tcp dport 80 dnat ip to ${ELSEWHERE}:8080`);
    expect(probe(client.name, 2)).toEqual([ELSEWHERE, ELSEWHERE]);
    await first.agent.stop();
    const second = await start();
    expect(second.outcome.sync.mode).toBe('full');
    expect(second.outcome.drift).toEqual([]);
    expect(table()).toBe(clean);
    servedByBackends(probe(client.name, 4));

    // nlbkit's IPV4 dispatch rule replaced by a rewrite: same rule count, but not the rule nlbkit wrote.
    const listed = inNetns(lb.name, ['nft', '-j', '-a', 'list', 'chain', 'inet', 'nlbkit', 'prerouting']);
    const handle = JSON.parse(listed).nftables.find((o: { rule?: unknown }) => o.rule).rule.handle;
    byHand(
      `replace rule inet nlbkit prerouting handle ${handle} ip daddr ${VIP} tcp dport 80 dnat ip to ${ELSEWHERE}:8080`,
    );
    expect(probe(client.name, 2)).toEqual([ELSEWHERE, ELSEWHERE]);
    expect((await second.agent.reconcile()).drift).toEqual([
      'chain prerouting: rule 1 is not the one nlbkit wrote',
    ]);
    expect(table()).toBe(clean);
    servedByBackends(probe(client.name, 4));

    // A chain that drops everything.
    byHand('add chain inet nlbkit blackhole { type filter hook prerouting priority -300; policy drop; }');
    expect(probe(client.name, 1)).toEqual(['TIMEOUT']);
    expect((await second.agent.reconcile()).drift).toEqual([
      'chain blackhole: unexpected, type filter hook prerouting priority -300 policy drop, 0 rules',
    ]);
    expect(table()).toBe(clean);
    servedByBackends(probe(client.name, 4));
    await second.agent.teardown();
  });
});

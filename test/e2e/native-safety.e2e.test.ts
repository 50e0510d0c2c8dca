/**
 * Safety of the native load balancer: a failed apply changes nothing, an agent restart changes no rule
 * and drops no connection, and hostile input is rejected before any command runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLBError } from '../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../src/interfaces/types.js';
import { backendAddress } from '../../src/lab/lab-addresses.js';
import {
  countByBackend,
  listAddresses,
  listRuleset,
  type NativeLab,
  requireRootNetns,
  startNativeLab,
} from './harness/index.js';

const enabled = requireRootNetns();
const vms = (...names: string[]) => names.map((nameId) => ({ nameId }));

function request(name: string, over: Partial<NLBCreateRequest> = {}): NLBCreateRequest {
  return {
    iid: { nameId: name },
    vpcIID: { nameId: 'vpc' },
    listener: { protocol: 'TCP', port: 80 },
    vmGroup: { protocol: 'TCP', port: 8080, vms: vms('vm-0', 'vm-1') },
    healthChecker: { protocol: 'TCP' },
    ...over,
  };
}

/** A VM the inventory knows, with an address that would be an nft statement if it got through. */
const EVIL_ADDRESS = '198.18.1.11 . 8080 } ; flush ruleset ; HOSTILE';

describe.skipIf(!enabled)('native load balancer: safety', () => {
  let lab: NativeLab;
  beforeAll(async () => {
    lab = await startNativeLab({
      backends: 3,
      ipv6: true,
      driver: {
        convergenceTimeoutMs: 3000,
        vmInventory: async (name) => {
          if (name === 'evil') return { ipv4: EVIL_ADDRESS };
          const j = /^vm-(\d)$/.exec(name)?.[1];
          return j === undefined
            ? undefined
            : { ipv4: backendAddress(Number(j)).v4, ipv6: backendAddress(Number(j)).v6 };
        },
      },
    });
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  const send = (host: string, count: number) =>
    lab.topo.client.agent.batch({ proto: 'tcp', host, port: 80, count, timeoutMs: 1000 });

  it('an apply the kernel rejects leaves the ruleset exactly as it was', async () => {
    const nlb = await lab.driver.createNLB(request('atomic'));
    const before = await listRuleset(lab.lbExec);
    const from = lab.lbExec.calls.length;
    // Appended after the real changes: the kernel fails it, so the whole transaction must be void.
    lab.lbExec.tamperNextNft((script) => `${script}delete table inet nlbk_e2e_no_such_table\n`, 1000);
    try {
      const failed = lab.driver.addVMs(nlb.iid, vms('vm-2'));
      await expect(failed).rejects.toMatchObject({ code: 'TIMEOUT' });
      const applies = lab.lbExec.calls.slice(from).filter((c) => c.argv[0] === 'nft' && c.stdin);
      expect(applies.length).toBeGreaterThan(0);
      expect(applies[0]!.stdin).toContain(backendAddress(2).v4);
      expect(applies[0]!.result?.code).not.toBe(0);
      expect(applies[0]!.result?.stderr).toMatch(/No such file or directory/);
      expect(await listRuleset(lab.lbExec)).toBe(before);
      expect(countByBackend(await send(nlb.listener.ip!, 4))).toEqual({ 'vm-0': 2, 'vm-1': 2 });
    } finally {
      lab.lbExec.stopTampering();
    }
    // Desired state was kept: once applies succeed again the agent converges on it.
    await lab.driver.waitForConvergence();
    expect(await listRuleset(lab.lbExec)).not.toBe(before);
    expect(countByBackend(await send(nlb.listener.ip!, 6))).toEqual({ 'vm-0': 2, 'vm-1': 2, 'vm-2': 2 });
    await lab.driver.deleteNLB(nlb.iid);
  });

  it('restarting the agent changes no rule and fails no connection while traffic runs', async () => {
    const nlb = await lab.driver.createNLB(
      request('restart', { vmGroup: { protocol: 'TCP', port: 8080, vms: vms('vm-0', 'vm-1', 'vm-2') } }),
    );
    const vip = nlb.listener.ip!;
    // A new agent's data plane finds its own table, stamped with the same layout fingerprint and
    // reading back exactly as desired, and adopts it: no nft transaction, so every rule keeps its handle.
    const rules = () => listRuleset(lab.lbExec);
    const handles = async () => (await lab.lbExec.run(['nft', '-a', 'list', 'ruleset'])).stdout;
    const before = await rules();
    const handlesBefore = await handles();
    expect(handlesBefore).toMatch(/# handle \d+/);
    const addressesBefore = await listAddresses(lab.lbExec);
    const held = await lab.topo.client.agent.hold({ host: vip, port: 80, intervalMs: 20 });
    const traffic = lab.topo.client.agent.batch({
      proto: 'tcp',
      host: vip,
      port: 80,
      count: 150,
      paceMs: 10,
    });
    await new Promise((r) => setTimeout(r, 300));
    const from = lab.lbExec.calls.length;
    const driver = await lab.restartAgent();
    await driver.waitForConvergence();
    await new Promise((r) => setTimeout(r, 300));
    const results = await traffic;
    const beforeRelease = await held.status();
    const final = await held.release();
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(Object.keys(countByBackend(results)).sort()).toEqual(['vm-0', 'vm-1', 'vm-2']);
    expect(final.errors).toEqual([]);
    expect(beforeRelease.closed).toBe(false);
    expect(final.echoed).toBeGreaterThan(20);
    const transactions = lab.lbExec.calls.slice(from).filter((c) => c.argv[0] === 'nft' && c.stdin);
    expect(transactions.map((c) => c.stdin)).toEqual([]);
    // The restarted agent did read the kernel (adoption check and verify), it just changed nothing.
    expect(
      lab.lbExec.calls.slice(from).some((c) => c.argv.join(' ') === 'nft -t list table inet nlbkit'),
    ).toBe(true);
    expect(await handles()).toBe(handlesBefore);
    expect(await rules()).toBe(before);
    expect(await listAddresses(lab.lbExec)).toEqual(addressesBefore);
    await driver.deleteNLB(nlb.iid);
  });

  it('rejects hostile names and values before anything reaches nft or ip', async () => {
    const kept = await lab.driver.createNLB(request('kept'));
    const rulesBefore = await listRuleset(lab.lbExec);
    const hostile: [string, Partial<NLBCreateRequest> & { iid?: { nameId: string } }][] = [
      ['NLB name with a statement', { iid: { nameId: 'x;flush-ruleset-HOSTILE' } }],
      ['NLB name with a newline', { iid: { nameId: 'a\nflush ruleset HOSTILE' } }],
      ['NLB name with a brace', { iid: { nameId: 'a}HOSTILE' } }],
      ['NLB name with a space', { iid: { nameId: 'a HOSTILE' } }],
      ['NLB name with shell', { iid: { nameId: '$(HOSTILE)' } }],
      ['NLB name too long', { iid: { nameId: `HOSTILE${'a'.repeat(60)}` } }],
      ['VPC name with a quote', { vpcIID: { nameId: 'vpc"HOSTILE' } }],
      [
        'VM name with a statement',
        { vmGroup: { protocol: 'TCP', port: 8080, vms: vms('vm-0 ; flush ruleset HOSTILE') } },
      ],
      ['VM name starting with a dash', { vmGroup: { protocol: 'TCP', port: 8080, vms: vms('-HOSTILE') } }],
      [
        'listener IP with a statement',
        { listener: { protocol: 'TCP', port: 80, ip: '198.19.0.9; flush ruleset HOSTILE' } },
      ],
      ['listener IP as a CIDR', { listener: { protocol: 'TCP', port: 80, ip: '198.19.0.0/24' } }],
      [
        'listener IP with a zone',
        { listener: { protocol: 'TCP', port: 80, ip: 'fd00:6e6c:626b:ff::9%HOSTILE' } },
      ],
      ['listener IP outside the pool', { listener: { protocol: 'TCP', port: 80, ip: '192.0.2.1' } }],
      ['port as a string', { listener: { protocol: 'TCP', port: '80 HOSTILE' as unknown as number } }],
      ['port out of range', { listener: { protocol: 'TCP', port: 65536 } }],
      ['protocol not allowed', { listener: { protocol: 'SCTP HOSTILE' as 'TCP', port: 80 } }],
      ['unknown field', { listener: { protocol: 'TCP', port: 80, HOSTILE: 1 } as never }],
      ['tag with a quote', { tagList: [{ key: 'k', value: '"; flush ruleset HOSTILE' }] }],
      ['health path with a space', { healthChecker: { protocol: 'HTTP', httpPath: '/x HOSTILE' } }],
      ['inventory address with a statement', { vmGroup: { protocol: 'TCP', port: 8080, vms: vms('evil') } }],
    ];
    for (const [what, over] of hostile) {
      const from = lab.lbExec.calls.length;
      const attempt = lab.driver.createNLB(request('hostile', over as Partial<NLBCreateRequest>));
      await expect(attempt, what).rejects.toBeInstanceOf(NLBError);
      const seen = lab.lbExec.calls.slice(from).map((c) => `${c.argv.join(' ')}\n${c.stdin ?? ''}`);
      expect(seen.join('\n'), what).not.toMatch(/HOSTILE|flush/);
    }
    expect(lab.lbExec.everything()).not.toMatch(/HOSTILE|flush/);
    expect((await lab.driver.listNLB()).map((n) => n.iid.nameId)).toEqual(['kept']);
    expect(await listRuleset(lab.lbExec)).toBe(rulesBefore);
    await lab.driver.deleteNLB(kept.iid);
  });
});

/**
 * Drift inside the table nlbkit owns, on a real kernel in a namespace made here: each kind of object
 * added or changed by hand in `inet nlbkit` is reported by verify(), a fresh data plane (a restarted
 * agent) refuses to adopt the table and rebuilds it atomically, and afterwards the ruleset is exactly
 * the one nlbkit wrote. Traffic through the agent: test/native/nft-drift-agent.test.ts.
 * Needs root and nft: a failure in CI, a skip locally.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { netnsExecutor } from '../../src/native/executor/netns-executor.js';
import type { Executor } from '../../src/native/executor/types.js';
import { createNftDataplane } from '../../src/native/nft/nft-dataplane.js';
import { makeNetns, requireRootNetns } from './netns.js';
import { nodeState, service } from './nft-fixtures.js';

const enabled = requireRootNetns();

/** What is done by hand (one `nft -f -` script) and the one difference verify must report. */
const CASES: { name: string; script: string; drift: string | RegExp }[] = [
  {
    name: 'a chain hooked at prerouting that rewrites a VIP elsewhere',
    script:
      'add chain inet nlbkit hijack { type nat hook prerouting priority -150; policy accept; }\n' +
      'add rule inet nlbkit hijack ip daddr 10.0.0.1 tcp dport 80 dnat ip to 10.1.0.9:8080\n',
    drift: 'chain hijack: unexpected, type nat hook prerouting priority -150 policy accept, 1 rule',
  },
  {
    name: 'a chain that drops everything',
    script: 'add chain inet nlbkit blackhole { type filter hook input priority 0; policy drop; }\n',
    drift: 'chain blackhole: unexpected, type filter hook input priority 0 policy drop, 0 rules',
  },
  {
    name: 'an unhooked chain',
    script: 'add chain inet nlbkit spare\nadd rule inet nlbkit spare drop\n',
    drift: 'chain spare: unexpected, 1 rule',
  },
  {
    name: 'an extra set',
    script: 'add set inet nlbkit allow { type ipv4_addr; elements = { 10.9.9.9 }; }\n',
    drift: 'set allow: unexpected, holds 1 elements',
  },
  {
    name: 'an extra map, even an empty one',
    script: 'add map inet nlbkit detour { type ipv4_addr : ipv4_addr; }\n',
    drift: 'map detour: unexpected, holds 0 elements',
  },
  {
    name: "an extra rule in one of nlbkit's chains",
    script: 'insert rule inet nlbkit prerouting ip daddr 10.0.0.1 tcp dport 80 dnat ip to 10.1.0.9:8080\n',
    drift: 'chain prerouting has 3 rules, expected 2',
  },
  {
    name: "an extra element in one of nlbkit's maps",
    script: 'add element inet nlbkit svc4 { 10.0.0.7 . tcp . 80 : goto c_rr4tcp_w2 }\n',
    drift: 'map svc4: unexpected element 10.0.0.7 . tcp . 80 : goto c_rr4tcp_w2',
  },
  {
    name: "a base chain's policy turned to drop",
    script: 'add chain inet nlbkit postrouting { type nat hook postrouting priority srcnat; policy drop; }\n',
    drift:
      'chain postrouting: type nat hook postrouting priority 100 policy drop, expected type nat hook postrouting priority 100 policy accept',
  },
  {
    name: 'a stateful object (a named counter)',
    script: 'add counter inet nlbkit seen\n',
    drift: 'counter seen: unexpected',
  },
  {
    name: 'the table switched off (dormant)',
    script: 'add table inet nlbkit { flags dormant; }\n',
    // nft 1.0.6 lists a dormant table's flags wrongly in JSON, or breaks the JSON off there.
    drift:
      /^table(: has flags \(dormant\?\), expected none| inet nlbkit: its listing cannot be read \(dormant\?\))$/,
  },
];

describe.skipIf(!enabled)('drift inside the owned nft table (network namespace)', () => {
  let ns: ReturnType<typeof makeNetns> | undefined;
  let nsEx: Executor;
  const ruleset = async () => (await nsEx.run(['nft', 'list', 'ruleset'])).stdout;
  const state = nodeState([
    service({ id: 'rr', vip: '10.0.0.1' }),
    service({ id: 'sh', vip: '10.0.0.3', algorithm: 'SOURCE_HASH', snat: true }),
    service({ id: 'empty', vip: '10.0.0.4', backends: [] }),
  ]);

  beforeAll(() => {
    ns = makeNetns('drift');
    nsEx = netnsExecutor(ns.name);
  });
  afterAll(() => ns?.remove());
  // Each case starts from an empty kernel, even after a failed one.
  afterEach(async () => {
    await nsEx.run(['nft', 'flush', 'ruleset']);
  });

  it.each(CASES)('$name: verify reports it, a fresh data plane rebuilds instead of adopting', async (c) => {
    const dp = createNftDataplane({ executor: nsEx });
    expect((await dp.sync(state)).mode).toBe('full');
    const clean = await ruleset();
    const byHand = await nsEx.run(['nft', '-f', '-'], { stdin: c.script });
    expect(byHand.stderr).toBe('');
    expect(await ruleset()).not.toBe(clean);

    const drift = await dp.verify(state);
    expect(drift).toHaveLength(1);
    if (typeof c.drift === 'string') expect(drift[0]).toBe(c.drift);
    else expect(drift[0]).toMatch(c.drift);
    // The agent's repair and a restarted agent take the same path: a fresh instance, whose first sync
    // adopts the table only if it reads back as desired. It does not here, so it rebuilds atomically.
    const fresh = createNftDataplane({ executor: nsEx });
    expect((await fresh.sync(state)).mode).toBe('full');
    expect(await ruleset()).toBe(clean);
    expect(await fresh.verify(state)).toEqual([]);
    // And the rebuilt table is adopted by the next fresh instance, as before.
    expect(await createNftDataplane({ executor: nsEx }).sync(state)).toEqual({ mode: 'none', statements: 0 });
  });

  it("a rule of nlbkit's replaced by hand (the chain keeps its rule count): reported and rebuilt", async () => {
    const dp = createNftDataplane({ executor: nsEx });
    await dp.sync(state);
    const clean = await ruleset();
    const listed = await nsEx.run(['nft', '-j', '-a', 'list', 'chain', 'inet', 'nlbkit', 'prerouting']);
    const handle = JSON.parse(listed.stdout).nftables.find((o: { rule?: unknown }) => o.rule).rule.handle;
    const rewrite = `replace rule inet nlbkit prerouting handle ${handle} ip daddr 10.0.0.1 dnat ip to 10.1.0.9\n`;
    expect((await nsEx.run(['nft', '-f', '-'], { stdin: rewrite })).stderr).toBe('');
    expect(await dp.verify(state)).toEqual(['chain prerouting: rule 1 is not the one nlbkit wrote']);
    const fresh = createNftDataplane({ executor: nsEx });
    expect((await fresh.sync(state)).mode).toBe('full');
    expect(await ruleset()).toBe(clean);
    expect(await fresh.verify(state)).toEqual([]);
  });

  it('several at once: every one is reported', async () => {
    const dp = createNftDataplane({ executor: nsEx });
    await dp.sync(state);
    const script = CASES.slice(0, 5)
      .map((c) => c.script)
      .join('');
    expect((await nsEx.run(['nft', '-f', '-'], { stdin: script })).stderr).toBe('');
    const drift = await dp.verify(state);
    expect([...drift].sort()).toEqual(
      CASES.slice(0, 5)
        .map((c) => c.drift)
        .sort(),
    );
  });
});

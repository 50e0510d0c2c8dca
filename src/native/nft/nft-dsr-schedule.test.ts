/**
 * The dsr read-back's schedule, on a fake kernel: verify() reads the small maps every time and the
 * slot maps only when due (first verify, after a full or failed sync, when the interval has passed,
 * or always with slotReadbackSeconds 0); a slot map changed behind nlbkit's back is seen only then.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  backend,
  type Call,
  emptyTableListing,
  nodeState,
  recordingExecutor,
  service,
} from '../../../test/native/nft-fixtures.js';
import { createNftDataplane } from './nft-dataplane.js';
import { renderDsrElements } from './nft-dsr.js';
import { defaultMaglev } from './nft-layout.js';

const dsrOptions = { dsr: { ingress: ['up0'], egress: 'dn0' } };
const state = (n: number) =>
  nodeState([
    service({
      algorithm: 'MAGLEV',
      hashFields: 'FIVE_TUPLE',
      forwarding: 'dsr',
      port: 8080,
      backends: Array.from({ length: n }, (_, i) => backend(i + 1)),
    }),
  ]);
const missing = { code: 1, stdout: '', stderr: 'Error: No such file or directory\n' };

/** A kernel that holds what the last transaction wrote; `counts` may be changed behind its back. */
function fakeKernel() {
  let stamp: string | undefined;
  let refuse = false;
  let dsr4Comment: string | undefined; // another comment on dsr4 than the table's stamp
  const counts: Record<string, number> = {};
  const links: { name: string; remote: string; up: boolean; ifindex: number }[] = [];
  let nextIndex = 10;
  const ex = recordingExecutor((c: Call) => {
    const a = c.argv.join(' ');
    if (a === 'nft -f -') {
      if (refuse) return { code: 1, stdout: '', stderr: 'Error: refused' };
      stamp = /^table netdev nlbkit \{\n\tcomment "([^"]+)"/m.exec(c.stdin ?? '')?.[1] ?? stamp;
      return { code: 0, stdout: '', stderr: '' };
    }
    if (a === 'nft -t list table netdev nlbkit')
      return stamp
        ? { code: 0, stdout: `table netdev nlbkit {\n\tcomment "${stamp}"\n}\n`, stderr: '' }
        : missing;
    if (a === 'nft -t list table inet nlbkit') return missing;
    if (a === 'nft -j list table inet nlbkit')
      return { code: 0, stdout: JSON.stringify(emptyTableListing()), stderr: '' };
    if (a === 'ip -d -j link show type ipip') {
      const json = links.map((l) => ({
        ifindex: l.ifindex,
        ifname: l.name,
        flags: l.up ? ['UP'] : [],
        linkinfo: { info_data: { remote: l.remote } },
      }));
      return { code: 0, stdout: JSON.stringify(json), stderr: '' };
    }
    if (a === 'nft -j list chain netdev nlbkit tun') {
      const nftables = links.map((l) => ({ rule: { chain: 'tun', expr: [{ fwd: { dev: l.name } }] } }));
      return { code: 0, stdout: JSON.stringify({ nftables }), stderr: '' };
    }
    const add = /^ip link add name (\S+) type ipip remote (\S+)$/.exec(a);
    if (add) links.push({ name: add[1]!, remote: add[2]!, up: false, ifindex: nextIndex++ });
    const up = /^ip link set dev (\S+) up$/.exec(a);
    for (const l of links) if (up && l.name === up[1]) l.up = true;
    const m = /^nft -j list (map|set) netdev nlbkit (\w+)$/.exec(a);
    if (m) {
      const elem = Array.from({ length: counts[m[2]!] ?? 0 }, (_, i) => i);
      const stamped = m[2] === 'dsr4' ? { comment: dsr4Comment ?? stamp } : {};
      const nftables = [{ [m[1]!]: { family: 'netdev', table: 'nlbkit', name: m[2], elem, ...stamped } }];
      return { code: 0, stdout: JSON.stringify({ nftables }), stderr: '' };
    }
    return { code: 0, stdout: '', stderr: '' };
  });
  const set = (n: number) =>
    Object.assign(counts, renderDsrElements('nlbkit', state(n).services, state(n), defaultMaglev).counts);
  return {
    ex,
    counts,
    links,
    /** Deletes device `name` and makes it again, as by hand: same name and remote, a new index. */
    remake: (name: string) => {
      const l = links.find((x) => x.name === name)!;
      l.ifindex = nextIndex++;
    },
    set,
    refuse: (on: boolean) => {
      refuse = on;
    },
    restamp: (c: string | undefined) => {
      dsr4Comment = c;
    },
  };
}

/** The maps the calls since `from` listed. */
const listed = (calls: Call[], from: number) =>
  calls
    .slice(from)
    .flatMap((c) => /^nft -j list (?:map|set) netdev nlbkit (\w+)$/.exec(c.argv.join(' '))?.[1] ?? []);

afterEach(() => {
  vi.useRealTimers();
});

describe('dsr verify: the slot maps on a schedule', () => {
  it('reads the slot maps on the first verify and when due; a changed slot map is seen only then', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const k = fakeKernel();
    const dp = createNftDataplane({ executor: k.ex, ...dsrOptions });
    expect((await dp.sync(state(2))).mode).toBe('full');
    k.set(2);
    let from = k.ex.calls.length;
    expect(await dp.verify(state(2))).toEqual([]);
    expect(listed(k.ex.calls, from).sort()).toEqual(['dsr4', 'hop4', 'live4', 'slot_tcp', 'slot_udp']);

    k.counts.slot_tcp! -= 1; // a slot element deleted by hand
    from = k.ex.calls.length;
    vi.advanceTimersByTime(299_000);
    expect(await dp.verify(state(2))).toEqual([]); // not due: not seen
    expect(listed(k.ex.calls, from).sort()).toEqual(['dsr4', 'hop4', 'live4']);
    // Nor is the table listed (nft would load every slot for it): the stamp is dsr4's comment.
    expect(k.ex.calls.slice(from).map((c) => c.argv.join(' '))).not.toContain(
      'nft -t list table netdev nlbkit',
    );
    k.restamp('nlbkit:00000000000000ff');
    expect(await dp.verify(state(2))).toEqual(['table netdev nlbkit carries another stamp']);
    k.restamp(undefined);
    // A small map is read back every time.
    k.counts.hop4! -= 1;
    expect(await dp.verify(state(2))).toEqual(['table netdev nlbkit: hop4 holds 1 elements, expected 2']);
    k.counts.hop4! += 1;

    vi.advanceTimersByTime(1_000);
    expect(await dp.verify(state(2))).toEqual([
      'table netdev nlbkit: slot_tcp holds 12 elements, expected 13',
    ]);
    // Not read back clean: due again at the next verify.
    expect(await dp.verify(state(2))).toEqual([
      'table netdev nlbkit: slot_tcp holds 12 elements, expected 13',
    ]);
  });

  it('a failed sync makes the slot maps due; an incremental one does not', async () => {
    const k = fakeKernel();
    const dp = createNftDataplane({ executor: k.ex, ...dsrOptions });
    await dp.sync(state(2));
    k.set(2);
    expect(await dp.verify(state(2))).toEqual([]);
    expect((await dp.sync(state(3))).mode).toBe('incremental');
    k.set(3);
    let from = k.ex.calls.length;
    expect(await dp.verify(state(3))).toEqual([]);
    expect(listed(k.ex.calls, from)).not.toContain('slot_tcp');

    k.counts.slot_tcp! -= 1;
    k.refuse(true);
    await expect(dp.sync(state(2))).rejects.toThrow(/refused/);
    k.refuse(false);
    from = k.ex.calls.length;
    expect(await dp.verify(state(3))).toEqual([
      'table netdev nlbkit: slot_tcp holds 12 elements, expected 13',
    ]);
    expect(listed(k.ex.calls, from)).toContain('slot_tcp');
  });

  it('slotReadbackSeconds 0 reads the slot maps on every verify; a bad value is refused', async () => {
    const k = fakeKernel();
    const dp = createNftDataplane({ executor: k.ex, ...dsrOptions, slotReadbackSeconds: 0 });
    await dp.sync(state(2));
    k.set(2);
    expect(await dp.verify(state(2))).toEqual([]);
    k.counts.slot_udp = 1;
    const from = k.ex.calls.length;
    expect(await dp.verify(state(2))).toEqual(['table netdev nlbkit: slot_udp holds 1 elements, expected 0']);
    expect(listed(k.ex.calls, from)).toContain('slot_udp');
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '300' as unknown as number])
      expect(() => createNftDataplane({ executor: k.ex, ...dsrOptions, slotReadbackSeconds: bad })).toThrow(
        /slotReadbackSeconds/,
      );
  });

  it('a tunnel device made again by hand is seen at the next verify, before the slot maps are due', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const k = fakeKernel();
    const tunnelState = (n: number) => {
      const st = state(n);
      return { ...st, services: st.services.map((x) => ({ ...x, forwarding: 'tunnel' as const })) };
    };
    const dp = createNftDataplane({ executor: k.ex, tunnel: { ingress: ['up0'] } });
    await dp.sync(tunnelState(2));
    Object.assign(
      k.counts,
      renderDsrElements('nlbkit', tunnelState(2).services, tunnelState(2), defaultMaglev, true).counts,
    );
    expect(k.links.map((l) => l.name)).toHaveLength(2);
    let from = k.ex.calls.length;
    expect(await dp.verify(tunnelState(2))).toEqual([]);
    expect(k.ex.calls.slice(from).map((c) => c.argv.join(' '))).toContain(
      'nft -j list chain netdev nlbkit tun',
    );
    vi.advanceTimersByTime(1_000);
    from = k.ex.calls.length;
    expect(await dp.verify(tunnelState(2))).toEqual([]);
    // Not due: the chain is not listed (nft would load every slot for it), the devices are.
    const argv = k.ex.calls.slice(from).map((c) => c.argv.join(' '));
    expect(argv).not.toContain('nft -j list chain netdev nlbkit tun');
    expect(argv).toContain('ip -d -j link show type ipip');
    const victim = k.links[0]!.name;
    k.remake(victim);
    expect(await dp.verify(tunnelState(2))).toEqual([
      expect.stringMatching(
        new RegExp(`^tunnel device ${victim} was made again \\(ifindex \\d+, now \\d+\\)`),
      ),
    ]);
  });
});

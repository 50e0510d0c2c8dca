/**
 * The native data plane's flowtable option against a real kernel that has nftables flowtables: this
 * machine's kernel may lack them (CONFIG_NF_FLOW_TABLE), so the check runs in a VM booted with Debian's
 * kernel and this machine's own userspace (scripts/vm/prepare.sh, scripts/vm/run.sh). The guest side
 * is flowtable-guest.ts; it prints one result line that this test asserts on.
 * Without the VM prepared it skips locally and fails under CI=true (run-guest.ts).
 */
import { describe, expect, it } from 'vitest';
import { runGuest, vmPrepared } from './run-guest.js';

const prepared = vmPrepared();

describe.runIf(prepared)('native flowtable option on a kernel with flowtables (VM)', () => {
  it('offloads a held load-balanced flow, adopts and reads back its table, and names a bad device', async () => {
    const { result, output, code } = await runGuest('test/vm/flowtable-guest.ts');
    expect(result, output.slice(-3000)).toBeDefined();
    const r = result!;
    expect(r.error, String(r.error)).toBeUndefined();
    expect(code).toBe(0);
    // Data plane: a full rebuild, then a fresh instance adopts it (the read-back of the kernel's own
    // listing, flowtable included, equals the desired table) and verify() finds nothing.
    expect(r.firstSync).toBe('full');
    expect(r.restartSync).toBe('none');
    expect(r.verify).toEqual([]);
    expect(r.listing).toMatch(/flowtable ft \{\s+hook ingress priority filter\s+devices = \{ dn0, up0 \}/);
    // Another device list is another table: a full rebuild, and verify() says what differs.
    expect(r.otherDevicesSync).toBe('full');
    expect(r.verifyOtherDevices).toEqual(['flowtable ft has devices up0, expected dn0,up0']);
    expect(r.missingDevice).toMatchObject({ code: 'UNSUPPORTED' });
    expect((r.missingDevice as { message: string }).message).toMatch(/refused the flowtable on nosuch0/);
    // Through the driver: the held connection's conntrack entry is offloaded, and it keeps echoing.
    const flow = r.heldFlow as string[];
    expect(flow).toHaveLength(1);
    expect(flow[0]).toContain('[OFFLOAD]');
    expect(r.echoedAfter as number).toBeGreaterThan((r.echoedBefore as number) + 10);
    expect(r.heldErrors).toEqual([]);
    expect(r.batchOk).toBe(20);
    expect(r.driverTable).toBe(0);
  }, 300_000);
});

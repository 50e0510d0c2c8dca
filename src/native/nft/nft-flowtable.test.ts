/**
 * The opt-in flowtable of the nftables data plane: what it renders, how its fingerprint keeps tables
 * written with and without it apart, what the read-back checks, bad device names, and the error when
 * the kernel refuses it. The kernel side is tested in a VM with Debian's kernel (test/vm/).
 */
import { describe, expect, it } from 'vitest';
import { nodeState, recordingExecutor, service } from '../../../test/native/nft-fixtures.js';
import { NLBError } from '../../interfaces/errors.js';
import { createNftDataplane } from './nft-dataplane.js';
import { buildLayout, defaultMaglev, type LayoutOptions } from './nft-layout.js';
import { diffKernel, parseKernelTable } from './nft-readback.js';
import { ruleStamp } from './nft-render.js';

const firstScript = async (flowtable?: { devices: string[] }) => {
  const ex = recordingExecutor();
  await createNftDataplane({ executor: ex, ...(flowtable ? { flowtable } : {}) }).sync(
    nodeState([service()]),
  );
  return ex.calls.find((c) => c.stdin !== undefined)?.stdin ?? '';
};
const stamp = (script: string) => /comment "(nlbkit:[0-9a-f]{16})"/.exec(script)?.[1];

describe('nft flowtable option', () => {
  it('declares the flowtable (quoted, sorted devices) and a forward chain that offloads DNAT flows', async () => {
    const OFFLOAD = 'ct status dnat meta l4proto { tcp, udp } flow add @ft';
    const text = await firstScript({ devices: ['up0', 'dn0', 'up0'] });
    expect(text).toContain(
      '\tflowtable ft {\n\t\thook ingress priority filter\n\t\tdevices = { "dn0", "up0" }\n\t}\n',
    );
    expect(text).toContain(
      '\tchain forward {\n\t\ttype filter hook forward priority 10; policy accept;\n' +
        `\t\t${OFFLOAD} comment "${ruleStamp(OFFLOAD)}"\n\t}\n`,
    );
    // Declared before the chain that names it.
    expect(text.indexOf('flowtable ft')).toBeLessThan(text.indexOf('flow add @ft'));
  });

  it('writes nothing of it without the option, and stamps a different fingerprint per device list', async () => {
    const plain = await firstScript();
    expect(plain).not.toMatch(/flowtable|forward/);
    const a = stamp(await firstScript({ devices: ['eth0'] }));
    const b = stamp(await firstScript({ devices: ['eth0', 'eth1'] }));
    expect(new Set([stamp(plain), a, b]).size).toBe(3);
    // The device order does not matter.
    expect(stamp(await firstScript({ devices: ['eth1', 'eth0'] }))).toBe(b);
  });

  it.each([
    [[]],
    [['eth0; flush ruleset']],
    [['']],
    [['a'.repeat(16)]],
    [['-eth0']],
    [['eth0 ']],
    [['"eth0"']],
    [['eth/0']],
    [Array.from({ length: 17 }, (_, i) => `eth${i}`)],
  ])('rejects devices %j before running anything', (devices) => {
    const ex = recordingExecutor();
    let error: unknown;
    try {
      createNftDataplane({ executor: ex, flowtable: { devices } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NLBError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(ex.calls).toHaveLength(0);
  });

  it('read-back reports a missing flowtable, other devices, and one that is not wanted', () => {
    const opts = (flowtable?: string[]): LayoutOptions => ({
      tableName: 'nlbkit',
      snatMark: 0x20000000,
      maglev: defaultMaglev,
      ...(flowtable ? { flowtable } : {}),
    });
    const layout = buildLayout(nodeState([]), opts(['dn0', 'up0']));
    const listing = (ft?: unknown) =>
      JSON.stringify({
        nftables: [
          ...(ft ? [{ flowtable: ft }] : []),
          { chain: { name: 'forward' } },
          { rule: { chain: 'forward' } },
        ],
      });
    const diff = (json: string, o: LayoutOptions) =>
      diffKernel(parseKernelTable(json), layout, o).filter((d) => d.includes('flowtable'));
    expect(diff(listing(), opts(['dn0', 'up0']))).toEqual(['flowtable ft is missing']);
    expect(diff(listing({ name: 'ft', dev: 'up0' }), opts(['dn0', 'up0']))).toEqual([
      'flowtable ft has devices up0, expected dn0,up0',
    ]);
    expect(diff(listing({ name: 'ft', dev: ['up0', 'dn0'] }), opts(['dn0', 'up0']))).toEqual([]);
    expect(diff(listing({ name: 'ft', dev: ['up0'] }), opts())).toEqual(['flowtable ft: unexpected']);
  });

  it('says plainly when the kernel refuses the flowtable (no support, or no such device)', async () => {
    const ex = recordingExecutor((c) =>
      c.stdin === undefined
        ? { code: 0, stdout: '', stderr: '' }
        : {
            code: 1,
            stdout: '',
            stderr:
              '/dev/stdin:6:12-13: Error: Could not process rule: No such file or directory\n\tflowtable ft {\n\t          ^^',
          },
    );
    const dp = createNftDataplane({ executor: ex, flowtable: { devices: ['eth0'] } });
    const error = await dp.sync(nodeState([service()])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED', operation: 'sync' });
    expect((error as Error).message).toMatch(/refused the flowtable on eth0.*CONFIG_NF_FLOW_TABLE_INET/);
    // Without the option the same failure stays a provider error.
    const plain = await createNftDataplane({ executor: ex })
      .sync(nodeState([service()]))
      .catch((e: unknown) => e);
    expect(plain).toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});

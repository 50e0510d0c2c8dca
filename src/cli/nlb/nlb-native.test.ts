/**
 * Every `nlbkit nlb` command against a native connection of a connections file, store only (a file
 * store, no agent): each run is its own driver over the same store, as separate shell commands are.
 * And `--wait`: passed to the native driver as NativeCallOptions.wait, with `--wait-timeout`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNlb } from '../../../test/cli/run-nlb.js';
import { type TempConfig, tempConfig } from '../../../test/cli/temp-config.js';
import type { NativeCallOptions } from '../../drivers/native/index.js';
import type { NLBHandler } from '../../interfaces/handler.js';
import { createConnection } from '../../server/connections/connection-factory.js';
import { healthInfoSchema, nlbInfoSchema } from '../../server/v1/v1-response-schemas.js';
import { EXIT_CODES } from './exit-codes.js';

let setup: TempConfig;
let config: string;
beforeAll(async () => {
  setup = await tempConfig(
    'native',
    'connections:\n  lab:\n    driver: native\n    store: {kind: file, dir: ./state}\n    vipPool: {ranges: [198.51.100.0/28]}\n    vmInventory: {web1: {ipv4: 10.0.0.11}, web2: {ipv4: 10.0.0.12}, web3: {ipv4: 10.0.0.13}}\n',
  );
  config = setup.config;
});
afterAll(() => setup.remove());

const nlb = (line: string) => runNlb([...line.split(' '), '--config', config]);
const json = (text: string): unknown => JSON.parse(text);

describe('nlbkit nlb on a native connection (file store, no agent)', () => {
  it('lists nothing before the store exists, then creates, changes, inspects and deletes', async () => {
    const empty = await nlb('nlb list');
    expect(empty).toMatchObject({ code: 0, stdout: 'no NLBs\n' });
    expect(empty.stderr).toMatch(/the store does not exist yet; the first write creates it/);

    const created = await nlb('nlb create web --port 80 --backend-port 8080 --vms web1,web2');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^listener: +TCP 198\.51\.100\.\d+:80$/m);
    expect(created.stdout).toMatch(/^system id: +nlbkit-native:web$/m);
    expect((await nlb('nlb list')).stdout).toMatch(
      /^web +TCP 198\.51\.100\.\d+:80 +TCP :8080 +ROUND_ROBIN +web1,web2 +TCP every \d+s$/m,
    );

    expect((await nlb('nlb add-vms web web3:4')).stdout).toMatch(/^vms: +web1, web2, web3\*4$/m);
    expect((await nlb('nlb remove-vms web web1')).code).toBe(0);
    const got = nlbInfoSchema.parse(json((await nlb('nlb get web --json')).stdout));
    expect(got.vmGroup.vms.map((vm) => [vm.nameId, vm.weight ?? 1])).toEqual([
      ['web2', 1],
      ['web3', 4],
    ]);

    // No agent: nobody has checked the VMs yet.
    const health = healthInfoSchema.parse(json((await nlb('nlb health web --json')).stdout));
    expect(health.unknownVMs.map((vm) => vm.nameId)).toEqual(['web2', 'web3']);
    expect((await nlb('nlb health web')).stdout).toMatch(/^0 healthy, 0 unhealthy, 2 unknown$/m);

    expect((await nlb('nlb set-listener web --protocol TCP --port 443')).stdout).toMatch(/:443$/m);
    const group = await nlb(
      'nlb set-vmgroup web --backend-protocol TCP --backend-port 8443 --vms web1,web2 --algorithm SOURCE_HASH',
    );
    expect(group.stdout).toMatch(/^backend: +TCP :8443, SOURCE_HASH\(SOURCE_IP\)$/m);
    const hc = await nlb(
      'nlb set-healthcheck web --health-path /ready --health-interval 3 --health-timeout 2',
    );
    expect(hc.stdout).toMatch(/^health check: +HTTP \/ready every 3s, timeout 2s/m);

    const caps = await nlb('capabilities');
    expect(caps.stdout).toMatch(/^connection: +lab \(driver native\)$/m);

    expect((await nlb('nlb delete web --json')).stdout).toBe('true\n');
    expect((await nlb('nlb get web')).code).toBe(EXIT_CODES.NOT_FOUND);
  });

  it('errors from the native driver: a VM it does not know, a name taken, a bad request', async () => {
    const unknownVM = await nlb('nlb create api --port 81 --vms ghost');
    expect(unknownVM.code).toBe(EXIT_CODES.NOT_FOUND);
    expect(unknownVM.stderr).toMatch(/^error NOT_FOUND: \[nlbkit\] \[native\] createNLB: .*ghost/);
    expect((await nlb('nlb create api --port 81')).code).toBe(0);
    const taken = await nlb('nlb create api --port 82');
    expect(taken.code).toBe(EXIT_CODES.ALREADY_EXISTS);
    const bad = await nlb('nlb set-listener api --protocol SCTP --port http');
    expect(bad.code).toBe(EXIT_CODES.INVALID_ARGUMENT);
    expect(bad.stderr).toMatch(
      /^ {2}listener\.protocol \(--protocol\): is not one of the allowed values \(allowed: TCP\|UDP\)$/m,
    );
    expect(bad.stderr).toMatch(/^ {2}listener\.port \(--port\): /m);
    const dry = await nlb('nlb set-vmgroup api --backend-protocol HTTP --backend-port 80 --dry-run');
    expect(dry.code).toBe(EXIT_CODES.UNSUPPORTED);
    expect(dry.stderr).toMatch(/vmGroup\.protocol \(--backend-protocol\): protocol 'HTTP' is not supported/);
    expect((await nlb('nlb delete api')).code).toBe(0);
  });

  it('--wait passes NativeCallOptions.wait (with --wait-timeout) to the native driver', async () => {
    const seen: Array<NativeCallOptions | undefined> = [];
    const run = (line: string) =>
      runNlb([...line.split(' '), '--config', config], {
        // The real native driver, with its call options recorded on the way in.
        createConnection: async (cfg, sources) => {
          const made = await createConnection(cfg, sources);
          const handler = new Proxy(made.handler, {
            get(target, key, receiver) {
              const value = Reflect.get(target, key, receiver);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                seen.push(args.at(-1) as NativeCallOptions);
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            },
          }) as NLBHandler;
          return { handler, close: made.close };
        },
      });
    // No agent reports to this store, so nothing will ever apply the change: TIMEOUT saying so.
    const created = await run('nlb create waited --port 90 --wait --wait-timeout 1');
    expect(created.code).toBe(EXIT_CODES.TIMEOUT);
    expect(created.stderr).toMatch(/no agent reports to this store; the change is stored/);
    expect(seen.at(-1)?.wait).toEqual({ timeoutMs: 1000 });
    expect(typeof seen.at(-1)?.onProgress).toBe('function');
    expect((await run('nlb get waited')).code).toBe(0);
    expect((await run('nlb delete waited --wait --wait-timeout 1')).code).toBe(EXIT_CODES.TIMEOUT);
    expect(seen.at(-1)?.wait).toEqual({ timeoutMs: 1000 });
    expect((await run('nlb list')).code).toBe(0);
    expect(seen.at(-1)?.wait).toBeUndefined();
  });

  it('--wait on a node that never applies times out naming it; the change stays stored', async () => {
    // `nodes` names the LB nodes to wait for; 'lb-gone' runs no agent, so it never applies anything.
    const late = await tempConfig(
      'native-wait',
      'connections:\n  lab:\n    driver: native\n    store: {kind: file, dir: ./state}\n    nodes: [lb-gone]\n    vipPool: {ranges: [198.51.100.0/28]}\n    vmInventory: {web1: {ipv4: 10.0.0.11}}\n',
    );
    try {
      const run = (line: string) => runNlb([...line.split(' '), '--config', late.config]);
      const waited = await run('nlb create slow --port 91 --vms web1 --wait --wait-timeout 1');
      expect(waited.code).toBe(EXIT_CODES.TIMEOUT);
      expect(waited.stderr).toMatch(/^error TIMEOUT: /m);
      expect(waited.stderr).toMatch(/lb-gone/);
      expect(waited.stderr).toMatch(/stored/);
      expect(waited.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect((await run('nlb get slow')).code).toBe(0);
    } finally {
      await late.remove();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { backend, nodeState, recordingExecutor, service } from '../../../test/native/nft-fixtures.js';
import { isNLBError } from '../../interfaces/errors.js';
import type { ServiceSpec } from '../model.js';
import { createNftDataplane } from './nft-dataplane.js';

/** Syncs a state built from `over` and expects INVALID_ARGUMENT with no command run. */
async function refused(services: ServiceSpec[], state: Partial<Parameters<typeof nodeState>[1]> = {}) {
  const ex = recordingExecutor();
  const dp = createNftDataplane({ executor: ex });
  const err = await dp.sync(nodeState(services, state)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNLBError(err) && err.code).toBe('INVALID_ARGUMENT');
  expect(ex.calls).toEqual([]);
  return err as Error;
}

describe('hostile or inconsistent values are refused before nft runs', () => {
  it.each(['web;flush ruleset', 'web\nflush ruleset', 'we"b', "we'b", 'web}', '', '-web'])(
    'service id %j',
    async (id) => {
      await refused([service({ id })]);
    },
  );

  it.each([
    '10.0.0.1; flush ruleset',
    '10.0.0.1 }',
    '010.0.0.1',
    '10.0.0.256',
    '10.0.0.1\n',
    'fd00::1',
    'FD00::1',
    '',
  ])('VIP %j of an IPv4 service', async (vip) => {
    await refused([service({ vip })]);
  });

  it.each(['fd00:0::1', '10.0.0.1', 'fd00::1%eth0'])('VIP %j of an IPv6 service', async (vip) => {
    await refused([service({ vip, family: 6, backends: [backend(1, { family: 6 })] })]);
  });

  it.each([
    ['address', { address: '10.1.0.1 . 80 }; flush ruleset; #' }],
    ['family', { address: 'fd01::1' }],
    ['port 0', { port: 0 }],
    ['port 65536', { port: 65536 }],
    ['port as text', { port: '80; flush ruleset' as unknown as number }],
    ['weight 0', { weight: 0 }],
    ['weight 101', { weight: 101 }],
    ['weight 1.5', { weight: 1.5 }],
  ])('backend %s', async (_name, over) => {
    await refused([service({ backends: [backend(1, over)] })]);
  });

  it.each([
    ['protocol', { protocol: 'icmp' as 'tcp' }],
    ['listener port', { port: 0 }],
    ['algorithm', { algorithm: 'LEAST_CONN' as 'MAGLEV' }],
    ['hash fields', { algorithm: 'SOURCE_HASH' as const, hashFields: 'ALL' as 'SOURCE_IP' }],
    ['family', { family: 5 as 4 }],
  ])('service %s', async (_name, over) => {
    await refused([service(over)]);
  });

  it('two services on one VIP, protocol and port', async () => {
    const e = await refused([service({ id: 'a' }), service({ id: 'b' })]);
    expect(e.message).toMatch(/two services listen on 10.0.0.1 tcp 80/);
  });

  it('duplicate service or backend ids', async () => {
    await refused([service({ id: 'a' }), service({ id: 'a', port: 81 })]);
    await refused([service({ backends: [backend(1), backend(1, { address: '10.1.0.9' })] })]);
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('hash seed %s', async (hashSeed) => {
    await refused([service()], { hashSeed });
  });

  it('a Maglev table size that is not a prime at least the backend count', async () => {
    await refused([service({ algorithm: 'MAGLEV' })], { maglevTableSize: 12 });
    await refused([service({ algorithm: 'MAGLEV', backends: [backend(1), backend(2), backend(3)] })], {
      maglevTableSize: 2,
    });
  });

  it('table names and marks are checked when the data plane is created', () => {
    const executor = recordingExecutor();
    expect(() => createNftDataplane({ executor, tableName: 'nlbkit; flush ruleset' })).toThrow(
      /unsafe nft name/,
    );
    expect(() => createNftDataplane({ executor, tableName: 'a b' })).toThrow(/unsafe nft name/);
    expect(executor.calls).toEqual([]);
  });

  it('a zero or oversized SNAT mark', async () => {
    for (const snatMark of [0, 2 ** 32]) {
      const ex = recordingExecutor();
      const dp = createNftDataplane({ executor: ex, snatMark });
      await expect(dp.sync(nodeState([service()]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(ex.calls).toEqual([]);
    }
  });
});

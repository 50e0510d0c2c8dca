/**
 * The public types let `exactOptionalPropertyTypes` users pass an explicit `undefined` for any
 * optional field; it must mean exactly what leaving the field out means (mock and native drivers).
 */
import type { NLBCreateRequest, NLBHandler, NLBInfo, VMGroupInfo } from 'nlbkit';
import { createMockDriver } from 'nlbkit/mock';
import { createMemoryStore, createNativeDriver } from 'nlbkit/native';
import { describe, expect, it } from 'vitest';

const inventory = { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } };
const drivers: Record<string, () => NLBHandler> = {
  mock: () => createMockDriver({ vms: inventory, clock: () => new Date(0) }),
  native: () =>
    createNativeDriver({
      store: createMemoryStore(),
      vipPool: { ranges: ['10.99.0.0/24'] },
      vmInventory: inventory,
    }),
};

const plain: NLBCreateRequest = {
  iid: { nameId: 'web' },
  listener: { protocol: 'TCP', port: 80 },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'web1' }] },
  healthChecker: { protocol: 'HTTP' },
};
const withUndefined: NLBCreateRequest = {
  iid: { nameId: 'web' },
  vpcIID: undefined,
  type: undefined,
  scope: undefined,
  tagList: undefined,
  keyValueList: undefined,
  listener: { protocol: 'TCP', port: 80, ip: undefined, keyValueList: undefined },
  vmGroup: {
    protocol: 'TCP',
    port: 8080,
    vms: [{ nameId: 'web1', systemId: undefined, weight: undefined }],
    algorithm: undefined,
    hashFields: undefined,
  },
  healthChecker: {
    protocol: 'HTTP',
    port: undefined,
    interval: undefined,
    timeout: undefined,
    threshold: undefined,
    healthyThreshold: undefined,
    unhealthyThreshold: undefined,
    httpPath: undefined,
    expectedCodes: undefined,
  },
};

/** The result without its creation time (the native driver's clock is not injectable). */
const timeless = ({ createdTime: _, ...rest }: NLBInfo) => rest;

describe.each(Object.keys(drivers))('%s: an optional field given as undefined is one left out', (name) => {
  const make = drivers[name] as () => NLBHandler;

  it('createNLB, changeVMGroupInfo, addVMs and changeHealthCheckerInfo', async () => {
    const [a, b] = [make(), make()];
    const web = { nameId: 'web' };
    const both = async (left: Promise<NLBInfo>, right: Promise<NLBInfo>) =>
      expect(timeless(await left)).toEqual(timeless(await right));

    await both(b.createNLB(withUndefined, { signal: undefined }), a.createNLB(plain));
    const group = (): VMGroupInfo => ({ protocol: 'TCP', port: 9090, vms: [{ nameId: 'web2' }] });
    await both(
      b.changeVMGroupInfo(
        { ...web, systemId: undefined },
        { ...group(), algorithm: undefined, hashFields: undefined },
      ),
      a.changeVMGroupInfo(web, group()),
    );
    await both(b.addVMs(web, [{ nameId: 'web1', weight: undefined }]), a.addVMs(web, [{ nameId: 'web1' }]));
    await both(
      b.changeHealthCheckerInfo(web, { protocol: 'TCP', interval: undefined, port: undefined }),
      a.changeHealthCheckerInfo(web, { protocol: 'TCP' }),
    );
  });
});

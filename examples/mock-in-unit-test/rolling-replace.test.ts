/** The user's unit test: nlbkit's mock driver stands in for the cloud. */
import { createMockDriver } from 'nlbkit/mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { rollingReplace } from './rolling-replace.js';

const names = (vms: { nameId: string }[]) => vms.map((vm) => vm.nameId).sort();

describe('rollingReplace', () => {
  let nlb: ReturnType<typeof createMockDriver>;

  beforeEach(async () => {
    nlb = createMockDriver({
      vms: { old: { ipv4: '10.0.0.1' }, new: { ipv4: '10.0.0.2' }, other: { ipv4: '10.0.0.3' } },
    });
    await nlb.createNLB({
      iid: { nameId: 'web' },
      listener: { protocol: 'TCP', port: 443 },
      vmGroup: { protocol: 'TCP', port: 8443, vms: [{ nameId: 'old' }, { nameId: 'other' }] },
      healthChecker: { protocol: 'TCP', interval: 10, threshold: 2 },
    });
  });

  it('swaps the VM once the new one is healthy', async () => {
    expect(await rollingReplace(nlb, 'web', 'old', 'new')).toBe('replaced');
    expect(names((await nlb.getNLB({ nameId: 'web' })).vmGroup.vms)).toEqual(['new', 'other']);
  });

  it('rolls back when the new VM never becomes healthy', async () => {
    nlb.setVMHealth('new', 'UNHEALTHY', 'connection refused');
    expect(await rollingReplace(nlb, 'web', 'old', 'new', { healthPolls: 3, pollMs: 1 })).toBe('rolled-back');
    expect(names((await nlb.getNLB({ nameId: 'web' })).vmGroup.vms)).toEqual(['old', 'other']);
  });

  it('rides out throttling', async () => {
    nlb.failNext('addVMs', { code: 'THROTTLED' });
    nlb.failNext('removeVMs', { code: 'THROTTLED' });
    expect(await rollingReplace(nlb, 'web', 'old', 'new')).toBe('replaced');
    expect(nlb.calls.filter((c) => c.operation === 'addVMs')).toHaveLength(2);
  });

  it('gives up on an error that is not worth retrying', async () => {
    nlb.failNext('addVMs', { code: 'INVALID_ARGUMENT', message: 'nope' });
    await expect(rollingReplace(nlb, 'web', 'old', 'new')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(names((await nlb.getNLB({ nameId: 'web' })).vmGroup.vms)).toEqual(['old', 'other']);
  });
});

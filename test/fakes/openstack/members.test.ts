/**
 * The OpenStack fake's member rules, as Octavia has them: a member PUT takes only MemberPUT's fields
 * (name, weight, admin_state_up, backup, monitor options, tags), weight 0-256, leaves the load
 * balancer PENDING_UPDATE until it settles (409 "immutable" meanwhile), and weight 0 reads DRAINING.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Octavia } from '../../../src/drivers/openstack/openstack-octavia.js';
import { isNLBError } from '../../../src/interfaces/errors.js';
import { makeForeign, octaviaClient } from '../../drivers/openstack/openstack-foreign.js';
import { type OpenStackWorld, startOpenStackWorld } from '../../drivers/openstack/openstack-world.js';

const ctx = { operation: 'test' };

describe('OpenStack fake: member PUT', () => {
  let w: OpenStackWorld;
  let octavia: Octavia;
  let lbId: string;
  let path: string;
  beforeEach(async () => {
    w = await startOpenStackWorld();
    octavia = octaviaClient(w.fake);
    lbId = await makeForeign(w.fake, w.vpcIID.systemId as string, 'lb', [{ nameId: 'vm-1' }]);
    const lb = w.fake.state.lbs[0];
    path = `/v2/lbaas/pools/${lb?.pools[0]?.id}/members/${lb?.pools[0]?.members[0]?.id}`;
  });
  afterEach(async () => {
    await w.close();
  });
  const put = (member: Record<string, unknown>) =>
    octavia.api.request('load-balancer', 'PUT', path, { member }, ctx).then(
      () => 'ok',
      (e: unknown) => (isNLBError(e) ? `${e.code}: ${e.message}` : String(e)),
    );

  it('updates weight and tags, PENDING_UPDATE until it settles, 409 immutable meanwhile', async () => {
    expect(await put({ weight: 0, tags: ['x'] })).toBe('ok');
    expect(w.fake.state.lbs[0]?.provisioning_status).toBe('PENDING_UPDATE');
    expect(await put({ weight: 2 })).toMatch(/^CONFLICT: .*immutable/);
    await octavia.waitActive(lbId, ctx);
    const m = w.fake.state.lbs[0]?.pools[0]?.members[0];
    expect([m?.weight, m?.tags]).toEqual([0, ['x']]);
    const status = await octavia.api.request(
      'load-balancer',
      'GET',
      path,
      undefined,
      ctx,
      z.object({ member: z.object({ operating_status: z.string() }) }),
    );
    expect(status.member.operating_status).toBe('DRAINING');
  });

  it('refuses weights outside 0-256 and fields MemberPUT has not, changing nothing', async () => {
    for (const bad of [{ weight: 257 }, { weight: -1 }, { address: '10.0.0.99' }, { protocol_port: 81 }])
      expect(await put(bad)).toMatch(/^INVALID_ARGUMENT/);
    expect(w.fake.state.lbs[0]?.provisioning_status).toBe('ACTIVE');
    expect(w.fake.state.lbs[0]?.pools[0]?.members[0]?.weight).toBe(1);
    expect(await put({ weight: 256 })).toBe('ok');
  });
});

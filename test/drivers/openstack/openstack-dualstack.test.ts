/**
 * Dual stack on OpenStack against the fake: IPv6 VIPs on the network's IPv6 subnet, dual stack with
 * Octavia's `additional_vips`, the fake's Octavia and Neutron rules (same-network VIP subnets, no
 * floating IP on an IPv6-only port), and a failure at every call of a dual-stack createNLB.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isNLBError } from '../../../src/interfaces/errors.js';
import type { NLBCreateRequest } from '../../../src/interfaces/types.js';
import type { OpenStackFake } from '../../fakes/openstack/index.js';
import { faultSteps, idsAsWildcards } from '../fault-steps.js';
import { type OpenStackWorld, startOpenStackWorld } from './openstack-world.js';

let world: OpenStackWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const request = (
  w: OpenStackWorld,
  name: string,
  addressFamily: 'IPV6' | 'DUAL_STACK',
  type: 'PUBLIC' | 'INTERNAL' = 'PUBLIC',
): NLBCreateRequest => ({
  iid: { nameId: name },
  vpcIID: { nameId: w.vpcIID.nameId },
  type,
  listener: { protocol: 'TCP', port: 80, addressFamily },
  vmGroup: { protocol: 'TCP', port: 8080, vms: [{ nameId: 'vm-1' }, { nameId: 'vm-2' }] },
  healthChecker: { protocol: 'TCP', interval: 10, timeout: 5, threshold: 3 },
});

/** The fake holds nothing but the world's own servers and networks. */
function expectEmpty(w: OpenStackWorld) {
  expect(w.fake.state.lbs).toEqual([]);
  expect(w.fake.state.floatingIps).toEqual([]);
  expect(w.fake.state.ports.map((p) => p.deviceId).sort()).toEqual(w.vms.map((vm) => vm.systemId).sort());
}

/** A raw call to the fake with a fresh token, for rules the driver never breaks. */
async function raw(fake: OpenStackFake, service: string, method: string, path: string, body: unknown) {
  const { username, password, projectName } = fake.credentials;
  const auth = await fetch(`${fake.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: username, password, domain: { name: 'Default' } } },
        },
        scope: { project: { name: projectName, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = auth.headers.get('x-subject-token') as string;
  const base = fake.authUrl.replace(/\/identity\/v3$/, '');
  const res = await fetch(`${base}/${service}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('OpenStack dual stack', () => {
  it('DUAL_STACK: an IPv4 VIP with its floating IP, and an additional IPv6 VIP', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(request(world, 'web', 'DUAL_STACK'));
    const [lb] = world.fake.state.lbs;
    expect(lb?.vip_address).toMatch(/^10\./);
    expect(lb?.additional_vips).toEqual([
      { subnet_id: expect.any(String), ip_address: expect.stringMatching(/^fd00:/) },
    ]);
    expect(nlb.listener).toMatchObject({
      addressFamily: 'DUAL_STACK',
      ip: world.fake.state.floatingIps[0]?.address,
      ipv6: lb?.additional_vips[0]?.ip_address,
    });
    expect((await world.driver.getNLB({ nameId: 'web' })).listener).toEqual(nlb.listener);
  });

  it('IPV6: the VIP on the IPv6 subnet, PUBLIC without a floating IP (floating IPs are IPv4)', async () => {
    world = await startOpenStackWorld();
    const nlb = await world.driver.createNLB(request(world, 'six', 'IPV6'));
    expect(nlb.listener.addressFamily).toBe('IPV6');
    expect(nlb.listener.ip).toMatch(/^fd00:/);
    expect(nlb.listener.ipv6).toBe(nlb.listener.ip);
    expect(nlb.type).toBe('PUBLIC');
    expect(world.fake.state.floatingIps).toEqual([]);
  });

  it('a network without an IPv6 subnet: INVALID_ARGUMENT before any write', async () => {
    world = await startOpenStackWorld({ ipv6: false });
    const err = await world.driver.createNLB(request(world, 'web', 'DUAL_STACK')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', violations: [{ path: 'listener.addressFamily' }] });
    expect(world.fake.calls.filter((c) => c.method !== 'GET' && c.service !== 'identity')).toEqual([]);
    expectEmpty(world);
  });

  it('the fake refuses additional VIPs off the VIP network and floating IPs on IPv6-only ports', async () => {
    world = await startOpenStackWorld();
    const other = world.fake.addNetwork('other', { ipv6: true });
    const priv = world.fake.state.networks.find((n) => n.name === 'private');
    const lb = (sub: string) =>
      raw(world!.fake, 'load-balancer', 'POST', '/v2/lbaas/loadbalancers', {
        loadbalancer: { name: 'x', vip_network_id: priv?.id, additional_vips: [{ subnet_id: sub }] },
      });
    const off = await lb(other.subnets[1]?.id as string);
    expect(off.status).toBe(400);
    expect(off.body.faultstring).toMatch(/same network/);
    const dup = await lb(priv?.subnets[0]?.id as string);
    expect(dup.status).toBe(400);
    expect(world.fake.state.lbs).toEqual([]);
    const six = await world.driver.createNLB(request(world, 'six', 'IPV6', 'INTERNAL'));
    const port = world.fake.state.lbs.find((l) => l.name === 'six')?.vip_port_id;
    const pub = world.fake.state.networks.find((n) => n.name === 'public');
    const fip = await raw(world.fake, 'network', 'POST', '/v2.0/floatingips', {
      floatingip: { floating_network_id: pub?.id, port_id: port },
    });
    expect(fip.status).toBe(400);
    expect(JSON.stringify(fip.body)).toMatch(/does not have any IPv4 address/);
    expect(six.listener.addressFamily).toBe('IPV6');
  });
});

describe('dual-stack createNLB fault injection', async () => {
  const probe = await startOpenStackWorld();
  await probe.driver.createNLB(request(probe, 'probe', 'DUAL_STACK'));
  const calls = probe.fake.calls.filter((c) => c.service !== 'identity');
  const steps = faultSteps(calls.map((c) => ({ method: c.method, shape: idsAsWildcards(c.path) })));
  await probe.close();

  // Every call but the status polls (a lost poll is polled again; the create then goes through).
  const poll = (s: { method: string; shape: string }) =>
    s.method === 'GET' && /loadbalancers\/\{id\}$/.test(s.shape);
  it('fails the subnet lookup and the additional-VIP create among them', () => {
    expect(steps.map((s) => s.shape)).toContain('/v2.0/subnets');
  });
  for (const step of steps.filter((s) => !poll(s)))
    it(`a failure at ${step.label} leaves nothing`, async () => {
      world = await startOpenStackWorld();
      world.fake.fail({ method: step.method, path: step.path, skip: step.skip, status: 503 });
      const outcome = await world.driver
        .createNLB(request(world, 'web', 'DUAL_STACK'))
        .catch((e: unknown) => e);
      expect(isNLBError(outcome) && outcome.code).toBe('UNAVAILABLE');
      expectEmpty(world);
    });
});

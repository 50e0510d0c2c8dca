/**
 * Validates a Standard load balancer PUT the way ARM does (names, SKU, frontends, IP-based pools,
 * probes, rules and their references) and fills in what ARM adds: ids, etag, provisioningState and
 * the private address of an INTERNAL frontend.
 */
import { randomUUID } from 'node:crypto';
import { ArmFault, arr, invalid, obj, sameId } from './arm.js';
import {
  checkFrontendVersions,
  checkPrivateVersion,
  checkRuleVersions,
  type IpVersion,
  inSubnet,
  poolVersion,
  versionOf,
} from './ip-version.js';
import type { AzureState, Json } from './state.js';

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,78}[a-zA-Z0-9_])?$/;
const int = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The stored resource for a PUT of load balancer `name` (throws ArmFault when ARM would refuse it). */
export function validateLoadBalancer(state: AzureState, name: string, body: Json, existing?: Json): Json {
  if (!NAME.test(name)) throw invalid('InvalidResourceName', `Resource name ${name} is invalid.`);
  if (typeof body.location !== 'string' || !body.location)
    throw invalid('LocationRequired', 'The location property is required for this definition.');
  if (obj(body, 'sku').name !== 'Standard')
    throw invalid(
      'InvalidRequestFormat',
      'Only the Standard SKU is offered by this fake (Basic is retired).',
    );
  const id = state.id('Network', 'loadBalancers', name);
  const child = (kind: string, n: unknown) => `${id}/${kind}/${String(n)}`;
  const props = obj(body, 'properties');
  const named = (list: Json[], what: string) => {
    const seen = new Set<string>();
    for (const item of list) {
      const n = item.name;
      if (typeof n !== 'string' || !n) throw invalid('InvalidRequestFormat', `Every ${what} needs a name.`);
      if (seen.has(n.toLowerCase())) throw invalid('DuplicateResourceName', `Two ${what}s are named ${n}.`);
      seen.add(n.toLowerCase());
    }
  };

  const frontends = arr(props, 'frontendIPConfigurations');
  if (frontends.length === 0)
    throw invalid(
      'LoadBalancerMustHaveFrontendIPConfiguration',
      'A load balancer needs a frontend IP configuration.',
    );
  named(frontends, 'frontend IP configuration');
  const oldFrontends = arr(obj(existing, 'properties'), 'frontendIPConfigurations');
  const versions = new Map<string, IpVersion>();
  const outFrontends = frontends.map((f) => {
    const fp = obj(f, 'properties');
    const pip = obj(fp, 'publicIPAddress').id;
    const out: Json = {
      name: f.name,
      id: child('frontendIPConfigurations', f.name),
      properties: { provisioningState: 'Succeeded' },
    };
    const outProps = out.properties as Json;
    if (typeof pip === 'string') {
      const ipName = pip.split('/').at(-1) as string;
      const ip = state.publicIps.get(ipName.toLowerCase());
      if (!ip || !sameId(ip.id, pip))
        throw invalid(
          'InvalidResourceReference',
          `Resource ${pip} referenced by resource ${id} was not found.`,
        );
      if (obj(ip, 'sku').name !== 'Standard')
        throw invalid(
          'StandardSkuLoadBalancerCannotReferenceBasicSkuPublicIP',
          'A Standard load balancer needs a Standard public IP.',
        );
      for (const [other, lb] of state.lbs)
        if (
          other !== name.toLowerCase() &&
          arr(obj(lb, 'properties'), 'frontendIPConfigurations').some((x) =>
            sameId(obj(obj(x, 'properties'), 'publicIPAddress').id, pip),
          )
        )
          throw invalid(
            'PublicIPAddressInUse',
            `Public IP address ${pip} is already used by another load balancer.`,
          );
      outProps.publicIPAddress = { id: ip.id };
      versions.set(String(f.name), (obj(ip, 'properties').publicIPAddressVersion as IpVersion) ?? 'IPv4');
    } else {
      const subnetId = obj(fp, 'subnet').id;
      const subnet = typeof subnetId === 'string' ? state.subnetById(subnetId) : undefined;
      if (!subnet)
        throw invalid(
          'InvalidResourceReference',
          `Subnet ${String(subnetId)} referenced by resource ${id} was not found.`,
        );
      const kept = oldFrontends.find((o) => o.name === f.name);
      const address =
        obj(obj(kept, 'properties'), 'subnet').id === subnetId
          ? obj(kept, 'properties').privateIPAddress
          : undefined;
      outProps.subnet = { id: subnet.id };
      const version: IpVersion = fp.privateIPAddressVersion === 'IPv6' ? 'IPv6' : 'IPv4';
      checkPrivateVersion(version, subnet);
      versions.set(String(f.name), version);
      outProps.privateIPAddressVersion = version;
      if (fp.privateIPAllocationMethod === 'Static') {
        // A static address must lie in the subnet and be free (NICs, other frontends).
        const wanted = fp.privateIPAddress;
        if (typeof wanted !== 'string' || versionOf(wanted) !== version || !inSubnet(wanted, subnet))
          throw invalid(
            'PrivateIPAddressNotInSubnet',
            `Private static IP address ${String(wanted)} does not belong to the range of subnet ${subnet.id}.`,
          );
        const takenByNic = state.nics.some((n) => n.ip === wanted || n.ip6 === wanted);
        const takenByLb = [...state.lbs.entries()].some(
          ([other, lb]) =>
            other !== name.toLowerCase() &&
            arr(obj(lb, 'properties'), 'frontendIPConfigurations').some(
              (x) => obj(x, 'properties').privateIPAddress === wanted,
            ),
        );
        if (takenByNic || takenByLb)
          throw invalid(
            'PrivateIPAddressInUse',
            `IP configuration is using the private IP address ${wanted} which is already allocated to another resource.`,
          );
        outProps.privateIPAllocationMethod = 'Static';
        outProps.privateIPAddress = wanted;
      } else {
        outProps.privateIPAllocationMethod = 'Dynamic';
        const fresh =
          version === 'IPv6'
            ? `${subnet.prefix6}::${(subnet.next6++).toString(16)}`
            : `${subnet.prefix}.${subnet.next++}`;
        outProps.privateIPAddress = address ?? fresh;
      }
    }
    return out;
  });
  checkFrontendVersions(id, [...versions.values()]);

  const pools = arr(props, 'backendAddressPools');
  named(pools, 'backend address pool');
  const outPools = pools.map((p) => {
    const addresses = arr(obj(p, 'properties'), 'loadBalancerBackendAddresses');
    named(addresses, 'backend address');
    const seenIps = new Set<string>();
    return {
      name: p.name,
      id: child('backendAddressPools', p.name),
      properties: {
        provisioningState: 'Succeeded',
        loadBalancerBackendAddresses: addresses.map((a) => {
          const ap = obj(a, 'properties');
          const vnetId = obj(ap, 'virtualNetwork').id;
          const vnet = state.vnets.find((v) => sameId(vnetId, v.id));
          if (!vnet)
            throw invalid('InvalidResourceReference', `Virtual network ${String(vnetId)} was not found.`);
          const ip = ap.ipAddress;
          if (typeof ip !== 'string' || !vnet.subnets.some((s) => inSubnet(ip, s)))
            throw invalid(
              'InvalidIPAddressForBackendAddress',
              `IP address ${String(ip)} is not in virtual network ${vnet.name}.`,
            );
          if (seenIps.has(ip))
            throw invalid('DuplicateBackendAddress', `IP address ${ip} is in the pool twice.`);
          seenIps.add(ip);
          return { name: a.name, properties: { ipAddress: ip, virtualNetwork: { id: vnet.id } } };
        }),
      },
    };
  });

  const poolIps = (p: (typeof outPools)[number]) =>
    p.properties.loadBalancerBackendAddresses.map((a) => a.properties.ipAddress);
  for (const p of outPools) poolVersion(p.id, poolIps(p));

  const probes = arr(props, 'probes');
  named(probes, 'probe');
  const outProbes = probes.map((p) => {
    const pp = obj(p, 'properties');
    if (!['Tcp', 'Http', 'Https'].includes(String(pp.protocol)))
      throw invalid('InvalidProbeProtocol', `Probe protocol ${String(pp.protocol)} is invalid.`);
    if (!int(pp.port, 1, 65535))
      throw invalid('InvalidProbePort', `Probe port ${String(pp.port)} is invalid.`);
    if (!int(pp.intervalInSeconds, 5, 2147483646))
      throw invalid(
        'InvalidProbeInterval',
        `Probe interval ${String(pp.intervalInSeconds)} must be at least 5 seconds.`,
      );
    if (pp.probeThreshold !== undefined && !int(pp.probeThreshold, 1, 100))
      throw invalid('InvalidProbeThreshold', `Probe threshold ${String(pp.probeThreshold)} is invalid.`);
    const http = pp.protocol !== 'Tcp';
    if (http && (typeof pp.requestPath !== 'string' || !pp.requestPath.startsWith('/')))
      throw invalid('ProbeRequestPathRequired', 'Http and Https probes need a requestPath.');
    if (!http && pp.requestPath !== undefined)
      throw invalid('ProbeRequestPathNotAllowed', 'Tcp probes cannot have a requestPath.');
    return {
      name: p.name,
      id: child('probes', p.name),
      properties: { ...pp, provisioningState: 'Succeeded' },
    };
  });

  const rules = arr(props, 'loadBalancingRules');
  named(rules, 'load balancing rule');
  const seenPorts = new Set<string>();
  const ref = (rp: Json, key: string, kind: string, list: Json[]) => {
    const refId = obj(rp, key).id;
    if (refId === undefined) return undefined;
    if (!list.some((x) => sameId(refId, child(kind, x.name))))
      throw invalid(
        'InvalidResourceReference',
        `Resource ${String(refId)} referenced by resource ${id} was not found.`,
      );
    return { id: refId };
  };
  const outRules = rules.map((r) => {
    const rp = obj(r, 'properties');
    if (!['Tcp', 'Udp', 'All'].includes(String(rp.protocol)))
      throw invalid('InvalidLoadBalancingRuleProtocol', `Protocol ${String(rp.protocol)} is invalid.`);
    if (!int(rp.frontendPort, 1, 65534) || !int(rp.backendPort, 1, 65535))
      throw invalid(
        'InvalidLoadBalancingRulePort',
        'Rule ports must be 1-65534 (frontend) and 1-65535 (backend).',
      );
    if (
      !['Default', 'SourceIP', 'SourceIPProtocol', undefined].includes(
        rp.loadDistribution as string | undefined,
      )
    )
      throw invalid(
        'InvalidLoadDistribution',
        `Load distribution ${String(rp.loadDistribution)} is invalid.`,
      );
    const frontend = ref(rp, 'frontendIPConfiguration', 'frontendIPConfigurations', frontends);
    if (!frontend)
      throw invalid('InvalidRequestFormat', 'A load balancing rule needs a frontend IP configuration.');
    const pool = ref(rp, 'backendAddressPool', 'backendAddressPools', pools);
    const poolOut = outPools.find((p) => pool && sameId(pool.id, p.id));
    checkRuleVersions(
      child('loadBalancingRules', r.name),
      versions.get(String(frontend.id).split('/').at(-1) as string) ?? 'IPv4',
      poolOut && poolVersion(poolOut.id, poolIps(poolOut)),
    );
    const key = `${String(frontend.id).toLowerCase()}|${String(rp.protocol)}|${String(rp.frontendPort)}`;
    if (seenPorts.has(key))
      throw invalid(
        'LoadBalancingRulesWithSameFrontendPortAndProtocol',
        `Two rules use frontend port ${String(rp.frontendPort)}.`,
      );
    seenPorts.add(key);
    return {
      name: r.name,
      id: child('loadBalancingRules', r.name),
      properties: {
        ...rp,
        frontendIPConfiguration: frontend,
        backendAddressPool: pool,
        probe: ref(rp, 'probe', 'probes', probes),
        loadDistribution: rp.loadDistribution ?? 'Default',
        provisioningState: 'Succeeded',
      },
    };
  });

  return {
    name,
    id,
    type: 'Microsoft.Network/loadBalancers',
    location: body.location,
    etag: `W/"${randomUUID()}"`,
    sku: { name: 'Standard', tier: obj(body, 'sku').tier ?? 'Regional' },
    tags: obj(body, 'tags'),
    properties: {
      provisioningState: 'Updating',
      frontendIPConfigurations: outFrontends,
      backendAddressPools: outPools,
      probes: outProbes,
      loadBalancingRules: outRules,
    },
  };
}

export { ArmFault };

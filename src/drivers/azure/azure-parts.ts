/**
 * The parts of a load balancer as nlbkit reads them: the IPv4 frontend, pool and rule (the first that
 * are not the IPv6 ones), the IPv6 ones of a dual-stack NLB (named {@link PART6}), and the one probe
 * both rules share (Azure probes each pool's addresses over their own IP version).
 */
import type {
  BackendAddressPool,
  FrontendIPConfiguration,
  LoadBalancer,
  LoadBalancingRule,
  Probe,
} from '@azure/arm-network';

/** Names of the IPv6 parts of a dual-stack NLB. */
export const PART6 = { frontend: 'frontend-v6', pool: 'pool-v6', rule: 'rule-v6' } as const;

export interface LbParts {
  frontend?: FrontendIPConfiguration | undefined;
  pool?: BackendAddressPool | undefined;
  rule?: LoadBalancingRule | undefined;
  probe?: Probe | undefined;
  frontend6?: FrontendIPConfiguration | undefined;
  pool6?: BackendAddressPool | undefined;
  rule6?: LoadBalancingRule | undefined;
}

const split = <T extends { name?: string }>(list: T[] | undefined, v6: string) => ({
  v4: list?.find((x) => x.name !== v6),
  v6: list?.find((x) => x.name === v6),
});

/** The load balancer's parts (the same objects: editing them edits `lb`). */
export function partsOf(lb: LoadBalancer): LbParts {
  const f = split(lb.frontendIPConfigurations, PART6.frontend);
  const p = split(lb.backendAddressPools, PART6.pool);
  const r = split(lb.loadBalancingRules, PART6.rule);
  return {
    frontend: f.v4,
    pool: p.v4,
    rule: r.v4,
    probe: lb.probes?.[0],
    frontend6: f.v6,
    pool6: p.v6,
    rule6: r.v6,
  };
}

/** Both rules (one for a single-stack NLB). */
export const rulesOf = (lb: LoadBalancer): LoadBalancingRule[] => {
  const { rule, rule6 } = partsOf(lb);
  return [rule, rule6].filter((r): r is LoadBalancingRule => r !== undefined);
};

/**
 * Adopting load balancers nlbkit did not create (CB-Spider's `regnlb` / `unregnlb`), as an optional
 * extension of NLBHandler: a driver whose `capabilities.adoption` is true implements
 * {@link AdoptableNLBHandler}; NLBHandler itself is unchanged.
 */
import type { NLBHandler } from './handler.js';
import type { CallOptions, IID, NLBInfo } from './types.js';

/** The operations of the adoption extension, for errors and backends. */
export type AdoptOperation = 'adoptNLB' | 'releaseNLB';

/**
 * An NLBHandler that can bring an existing provider load balancer under management and let go of one.
 *
 * @example
 * const nlb = createAwsDriver({ region: 'eu-west-1' });
 * const arn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/web/0123456789abcdef';
 * const web = await nlb.adoptNLB(arn, { nameId: 'web' });
 * await nlb.releaseNLB(web.iid); // still in the cloud; listNLB no longer shows it
 */
export interface AdoptableNLBHandler extends NLBHandler {
  /**
   * Brings the provider's load balancer `systemId`, which nlbkit did not create, under management as
   * `iid.nameId` (the driver may require the provider's own name, e.g. AWS) and returns it as an
   * NLBInfo, its VMs named as the driver's inventory names them. Marks it as managed (tags or labels);
   * a failure part way removes the marks again. UNSUPPORTED when its shape cannot be represented
   * (several listeners or target groups, a protocol nlbkit does not serve, ...), NOT_FOUND when it
   * does not exist, ALREADY_EXISTS when nlbkit already manages it or another NLB has the name.
   */
  adoptNLB(systemId: string, iid: IID, opts?: CallOptions): Promise<NLBInfo>;
  /**
   * Stops managing the NLB without deleting anything: the provider's resources stay, nlbkit's marks
   * go, and listNLB no longer shows it. NOT_FOUND when nlbkit does not manage it.
   */
  releaseNLB(iid: IID, opts?: CallOptions): Promise<boolean>;
}

/**
 * Whether `handler` implements the adoption extension (its capabilities say so).
 *
 * @example
 * const nlb = createMockDriver();
 * console.log(isAdoptable(nlb)); // false: the mock does not adopt
 */
export function isAdoptable(handler: NLBHandler): handler is AdoptableNLBHandler {
  const h = handler as Partial<AdoptableNLBHandler>;
  return (
    handler.capabilities.adoption === true &&
    typeof h.adoptNLB === 'function' &&
    typeof h.releaseNLB === 'function'
  );
}

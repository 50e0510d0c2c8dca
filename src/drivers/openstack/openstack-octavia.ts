/**
 * Octavia's resources as the driver reads them, and the rhythm every change follows: a mutation moves
 * the load balancer to PENDING_UPDATE, during which Octavia refuses the next one (409, "immutable"), so
 * each change waits for ACTIVE afterwards, and one that meets a 409 waits and tries again.
 */
import { z } from 'zod';
import { pollUntil } from '../../common/poll.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { CallContext, OpenStackApi } from './openstack-api.js';
import { OPENSTACK_DRIVER_NAME, type ResolvedOpenStackOptions } from './openstack-options.js';

/** An optional field: absent or null (Octavia writes null for unset values) reads as undefined. */
const optional = <S extends z.ZodType>(schema: S) => schema.nullish().transform((v) => v ?? undefined);
const ids = z.array(z.looseObject({ id: z.string() }));

/** A load balancer: the fields the driver reads (others pass through). */
export const OctaviaLb = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: optional(z.string()),
  provisioning_status: z.string(),
  operating_status: optional(z.string()),
  vip_address: z.string(),
  vip_port_id: z.string(),
  vip_network_id: z.string(),
  /** Further VIPs on other subnets of the VIP network (dual stack). */
  additional_vips: optional(z.array(z.looseObject({ subnet_id: z.string(), ip_address: z.string() }))),
  /** The Octavia provider (`amphora`, `ovn`, ...). */
  provider: optional(z.string()),
  tags: optional(z.array(z.string())),
  created_at: optional(z.string()),
  listeners: ids,
  pools: ids,
});
export type OctaviaLb = z.infer<typeof OctaviaLb>;

export const OctaviaListener = z.looseObject({
  id: z.string(),
  protocol: z.string(),
  protocol_port: z.number(),
  default_pool_id: z.string().nullable(),
});
export type OctaviaListener = z.infer<typeof OctaviaListener>;

export const OctaviaPool = z.looseObject({
  id: z.string(),
  protocol: z.string(),
  lb_algorithm: z.string(),
  healthmonitor_id: z.string().nullable(),
});
export type OctaviaPool = z.infer<typeof OctaviaPool>;

export const OctaviaMember = z.looseObject({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  protocol_port: z.number(),
  subnet_id: optional(z.string()),
  weight: z.number(),
  /** null: the member is checked on its own port. */
  monitor_port: z.number().nullish(),
  monitor_address: optional(z.string()),
  backup: optional(z.boolean()),
  tags: optional(z.array(z.string())),
  operating_status: optional(z.string()),
});
export type OctaviaMember = z.infer<typeof OctaviaMember>;

export const OctaviaMonitor = z.looseObject({
  id: z.string(),
  type: z.string(),
  delay: z.number(),
  timeout: z.number(),
  max_retries: z.number(),
  max_retries_down: z.number(),
  url_path: optional(z.string()),
  expected_codes: optional(z.string()),
  tags: optional(z.array(z.string())),
});
export type OctaviaMonitor = z.infer<typeof OctaviaMonitor>;

/** Each kind of Octavia resource the driver reads one of, by its name in the API. */
const KINDS = {
  loadbalancer: OctaviaLb,
  listener: OctaviaListener,
  pool: OctaviaPool,
  healthmonitor: OctaviaMonitor,
};
type Kind = keyof typeof KINDS;

const LBAAS = '/v2/lbaas';
type Waiter = ResolvedOpenStackOptions['waiter'];

/**
 * Polls until `check` has an answer. A poll that fails transiently (UNAVAILABLE, THROTTLED, TIMEOUT)
 * is just polled again: the change it watches is under way, and one lost status read must not report
 * it failed. The waiter's deadline still bounds the whole wait.
 */
const poll = <T>(
  what: string,
  waiter: Waiter,
  ctx: CallContext,
  check: () => Promise<T | undefined>,
  step?: string,
) =>
  pollUntil(
    OPENSTACK_DRIVER_NAME,
    what,
    waiter,
    ctx,
    async () => {
      try {
        return await check();
      } catch (e) {
        if (isNLBError(e) && e.retryable && e.code !== 'ABORTED') return undefined;
        throw e;
      }
    },
    step,
  );

/** Octavia's API for one driver: typed reads, and changes that wait their turn. */
export class Octavia {
  constructor(
    readonly api: OpenStackApi,
    private readonly waiter: Waiter,
  ) {}

  /** One resource of `kind`, parsed. */
  async get<K extends Kind>(kind: K, id: string, ctx: CallContext): Promise<z.infer<(typeof KINDS)[K]>> {
    const answer = z.object({ [kind]: KINDS[kind] });
    const body = await this.api.request(
      'load-balancer',
      'GET',
      `${LBAAS}/${kind}s/${id}`,
      undefined,
      ctx,
      answer,
    );
    return body[kind] as z.infer<(typeof KINDS)[K]>;
  }

  /** The load balancers that match `query` (Octavia's filters). */
  async loadBalancers(query: string, ctx: CallContext): Promise<OctaviaLb[]> {
    const path = `${LBAAS}/loadbalancers${query ? `?${query}` : ''}`;
    const answer = z.object({ loadbalancers: z.array(OctaviaLb) });
    return (await this.api.request('load-balancer', 'GET', path, undefined, ctx, answer)).loadbalancers;
  }

  async members(poolId: string, ctx: CallContext): Promise<OctaviaMember[]> {
    const answer = z.object({ members: z.array(OctaviaMember) });
    const path = `${LBAAS}/pools/${poolId}/members`;
    return (await this.api.request('load-balancer', 'GET', path, undefined, ctx, answer)).members;
  }

  /** Waits until the load balancer is ACTIVE; ERROR (or gone) is a PROVIDER_ERROR. */
  waitActive(lbId: string, ctx: CallContext): Promise<OctaviaLb> {
    return poll(
      `load balancer ${lbId} to become ACTIVE`,
      this.waiter,
      ctx,
      async () => {
        const lb = await this.get('loadbalancer', lbId, ctx);
        if (lb.provisioning_status === 'ACTIVE') return lb;
        if (lb.provisioning_status === 'ERROR' || lb.provisioning_status === 'DELETED')
          throw new NLBError({
            code: 'PROVIDER_ERROR',
            driver: OPENSTACK_DRIVER_NAME,
            operation: ctx.operation,
            message: `load balancer ${lbId} went to ${lb.provisioning_status}`,
          });
        return undefined;
      },
      'wait-active',
    );
  }

  /** Waits until no change is under way (ACTIVE or ERROR; both can be deleted). */
  waitSettled(lbId: string, ctx: CallContext): Promise<OctaviaLb> {
    return poll(`load balancer ${lbId} to finish its change`, this.waiter, ctx, async () => {
      const lb = await this.get('loadbalancer', lbId, ctx);
      return lb.provisioning_status.startsWith('PENDING_') ? undefined : lb;
    });
  }

  /** Waits until the load balancer is gone (404). */
  async waitGone(lbId: string, ctx: CallContext): Promise<void> {
    await poll(
      `load balancer ${lbId} to be deleted`,
      this.waiter,
      ctx,
      async () => {
        try {
          const lb = await this.get('loadbalancer', lbId, ctx);
          return lb.provisioning_status === 'DELETED' ? true : undefined;
        } catch (e) {
          if (isNLBError(e) && e.code === 'NOT_FOUND') return true;
          throw e;
        }
      },
      'wait-deleted',
    );
  }

  /**
   * Sends one mutation of load balancer `lbId`'s tree and waits until it is ACTIVE again. A 409 (the
   * tree is busy: another change is still being applied) waits for ACTIVE and sends it again.
   * `answer`: the schema of the answer, when the caller reads it.
   */
  async change<S extends z.ZodType = z.ZodUnknown>(
    lbId: string,
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    ctx: CallContext,
    answer?: S,
  ): Promise<z.output<S>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.api.request('load-balancer', method, `${LBAAS}${path}`, body, ctx, answer);
        await this.waitActive(lbId, ctx);
        return out;
      } catch (e) {
        if (!isNLBError(e) || e.code !== 'CONFLICT' || attempt >= 5 || !/immutable/i.test(e.message)) throw e;
        await this.waitActive(lbId, ctx);
      }
    }
  }
}

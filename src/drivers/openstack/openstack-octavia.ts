/**
 * Octavia's resources as the driver reads them, and the rhythm every change follows: a mutation moves
 * the load balancer to PENDING_UPDATE, during which Octavia refuses the next one (409, "immutable"), so
 * each change waits for ACTIVE afterwards, and one that meets a 409 waits and tries again.
 */
import { pollUntil } from '../../common/poll.js';
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import type { CallContext, OpenStackApi } from './openstack-api.js';
import { OPENSTACK_DRIVER_NAME, type ResolvedOpenStackOptions } from './openstack-options.js';

export interface OctaviaLb {
  id: string;
  name: string;
  description?: string;
  provisioning_status: string;
  operating_status?: string;
  vip_address: string;
  vip_port_id: string;
  vip_network_id: string;
  /** Further VIPs on other subnets of the VIP network (dual stack). */
  additional_vips?: { subnet_id: string; ip_address: string }[];
  /** The Octavia provider (`amphora`, `ovn`, ...). */
  provider?: string;
  tags?: string[];
  created_at?: string;
  listeners: { id: string }[];
  pools: { id: string }[];
}
export interface OctaviaListener {
  id: string;
  protocol: string;
  protocol_port: number;
  default_pool_id: string | null;
}
export interface OctaviaPool {
  id: string;
  protocol: string;
  lb_algorithm: string;
  healthmonitor_id: string | null;
}
export interface OctaviaMember {
  id: string;
  name: string;
  address: string;
  protocol_port: number;
  subnet_id?: string;
  weight: number;
  monitor_port?: number | null;
  tags?: string[];
  operating_status?: string;
}
export interface OctaviaMonitor {
  id: string;
  type: string;
  delay: number;
  timeout: number;
  max_retries: number;
  max_retries_down: number;
  url_path?: string;
  expected_codes?: string;
  tags?: string[];
}

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

  get<T>(kind: string, id: string, ctx: CallContext): Promise<T> {
    return this.api
      .request<Record<string, T>>('load-balancer', 'GET', `${LBAAS}/${kind}s/${id}`, undefined, ctx)
      .then((b) => b[kind] as T);
  }

  async list<T>(kind: string, query: string, ctx: CallContext): Promise<T[]> {
    const body = await this.api.request<Record<string, T[]>>(
      'load-balancer',
      'GET',
      `${LBAAS}/${kind}s${query ? `?${query}` : ''}`,
      undefined,
      ctx,
    );
    return body[`${kind}s`] ?? [];
  }

  members(poolId: string, ctx: CallContext): Promise<OctaviaMember[]> {
    return this.api
      .request<{ members?: OctaviaMember[] }>(
        'load-balancer',
        'GET',
        `${LBAAS}/pools/${poolId}/members`,
        undefined,
        ctx,
      )
      .then((b) => b.members ?? []);
  }

  /** Waits until the load balancer is ACTIVE; ERROR (or gone) is a PROVIDER_ERROR. */
  waitActive(lbId: string, ctx: CallContext): Promise<OctaviaLb> {
    return poll(
      `load balancer ${lbId} to become ACTIVE`,
      this.waiter,
      ctx,
      async () => {
        const lb = await this.get<OctaviaLb>('loadbalancer', lbId, ctx);
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
      const lb = await this.get<OctaviaLb>('loadbalancer', lbId, ctx);
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
          const lb = await this.get<OctaviaLb>('loadbalancer', lbId, ctx);
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
   */
  async change<T = Record<string, unknown>>(
    lbId: string,
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    ctx: CallContext,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.api.request<T>('load-balancer', method, `${LBAAS}${path}`, body, ctx);
        await this.waitActive(lbId, ctx);
        return out;
      } catch (e) {
        if (!isNLBError(e) || e.code !== 'CONFLICT' || attempt >= 5 || !/immutable/i.test(e.message)) throw e;
        await this.waitActive(lbId, ctx);
      }
    }
  }
}

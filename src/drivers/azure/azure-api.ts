/**
 * The Azure calls the driver makes, each with the caller's AbortSignal, the poll interval, and errors
 * mapped to NLBError; plus the resource ids the load balancer's parts refer to each other by.
 */
import type {
  LoadBalancer,
  NetworkInterface,
  NetworkManagementClient,
  PublicIPAddress,
  VirtualNetwork,
} from '@azure/arm-network';
import type { ProgressReporter } from '../../common/progress.js';
import { mapAzureError } from './azure-errors.js';
import type { ResolvedAzureOptions } from './azure-options.js';

/** What a call knows about the NLB operation it serves. */
export interface CallContext {
  operation: string;
  signal?: AbortSignal;
  /** Tells the caller's onProgress a step (absent on clean-up calls). */
  progress?: ProgressReporter | undefined;
}

/** Names of the load balancer's parts: one of each. */
export const PART = { frontend: 'frontend', pool: 'pool', probe: 'probe', rule: 'rule' } as const;

export class AzureApi {
  constructor(
    readonly client: NetworkManagementClient,
    readonly options: ResolvedAzureOptions,
  ) {}

  get rg(): string {
    return this.options.resourceGroup;
  }

  /** The id of the load balancer `lb`, or of its part `kind/name`. */
  lbId(lb: string, part?: [string, string]): string {
    const base = `/subscriptions/${this.options.subscriptionId}/resourceGroups/${this.rg}/providers/Microsoft.Network/loadBalancers/${lb}`;
    return part ? `${base}/${part[0]}/${part[1]}` : base;
  }

  /** The id of a virtual network by name in the resource group. */
  vnetId(name: string): string {
    return `/subscriptions/${this.options.subscriptionId}/resourceGroups/${this.rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
  }

  /** The id of a VM by name in the resource group. */
  vmId(name: string): string {
    return `/subscriptions/${this.options.subscriptionId}/resourceGroups/${this.rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
  }

  async #run<T>(
    what: string,
    ctx: CallContext,
    fn: (opts: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    const opts: Record<string, unknown> = { abortSignal: ctx.signal };
    if (this.options.waiter.minDelayMs) opts.updateIntervalInMs = this.options.waiter.minDelayMs;
    try {
      return await fn(opts);
    } catch (e) {
      throw mapAzureError(e, what, ctx.operation, ctx.signal);
    }
  }

  /** The value, or undefined on NOT_FOUND. */
  async #orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  getVnet(name: string, ctx: CallContext): Promise<VirtualNetwork | undefined> {
    return this.#orUndefined(
      this.#run('GET virtualNetwork', ctx, (o) => this.client.virtualNetworks.get(this.rg, name, o)),
    );
  }

  listNics(ctx: CallContext): Promise<NetworkInterface[]> {
    return this.#run('LIST networkInterfaces', ctx, async (o) => {
      const out: NetworkInterface[] = [];
      for await (const nic of this.client.networkInterfaces.list(this.rg, o)) out.push(nic);
      return out;
    });
  }

  listLbs(ctx: CallContext): Promise<LoadBalancer[]> {
    return this.#run('LIST loadBalancers', ctx, async (o) => {
      const out: LoadBalancer[] = [];
      for await (const lb of this.client.loadBalancers.list(this.rg, o)) out.push(lb);
      return out;
    });
  }

  getLb(name: string, ctx: CallContext): Promise<LoadBalancer | undefined> {
    return this.#orUndefined(
      this.#run('GET loadBalancer', ctx, (o) => this.client.loadBalancers.get(this.rg, name, o)),
    );
  }

  /**
   * PUTs the load balancer and waits. `condition` makes it conditional: `{ ifMatch: etag }` only if
   * nobody changed it since it was read, `{ ifNoneMatch: '*' }` only if it does not exist yet (both
   * refused with 412, a CONFLICT whose cause code is PreconditionFailed). `onAccepted` runs once
   * Azure has taken the request.
   */
  putLb(
    name: string,
    lb: LoadBalancer,
    ctx: CallContext,
    opts: { onAccepted?: () => void; ifMatch?: string; ifNoneMatch?: '*' } = {},
  ): Promise<LoadBalancer> {
    const customHeaders: Record<string, string> = {};
    if (opts.ifMatch) customHeaders['If-Match'] = opts.ifMatch;
    if (opts.ifNoneMatch) customHeaders['If-None-Match'] = opts.ifNoneMatch;
    return this.#run('PUT loadBalancer', ctx, (o) =>
      this.client.loadBalancers.beginCreateOrUpdateAndWait(this.rg, name, lb, {
        ...o,
        requestOptions: { customHeaders },
        onResponse: (raw: { status: number; request: { method: string } }) => {
          if (raw.request.method === 'PUT' && raw.status < 300) opts.onAccepted?.();
        },
      }),
    );
  }

  async deleteLb(name: string, ctx: CallContext): Promise<void> {
    await this.#run('DELETE loadBalancer', ctx, (o) =>
      this.client.loadBalancers.beginDeleteAndWait(this.rg, name, o),
    );
  }

  getPublicIp(name: string, ctx: CallContext): Promise<PublicIPAddress | undefined> {
    return this.#orUndefined(
      this.#run('GET publicIPAddress', ctx, (o) => this.client.publicIPAddresses.get(this.rg, name, o)),
    );
  }

  putPublicIp(name: string, ip: PublicIPAddress, ctx: CallContext): Promise<PublicIPAddress> {
    return this.#run('PUT publicIPAddress', ctx, (o) =>
      this.client.publicIPAddresses.beginCreateOrUpdateAndWait(this.rg, name, ip, o),
    );
  }

  async deletePublicIp(name: string, ctx: CallContext): Promise<void> {
    await this.#run('DELETE publicIPAddress', ctx, (o) =>
      this.client.publicIPAddresses.beginDeleteAndWait(this.rg, name, o),
    );
  }

  ruleHealth(lb: string, rule: string, ctx: CallContext) {
    return this.#run('POST loadBalancingRule health', ctx, (o) =>
      this.client.loadBalancerLoadBalancingRules.beginHealthAndWait(this.rg, lb, rule, o),
    );
  }
}

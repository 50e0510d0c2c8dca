/**
 * The Azure calls the driver makes, each with the caller's AbortSignal, the poll interval, and errors
 * mapped to NLBError; plus the resource ids the load balancer's parts refer to each other by.
 */
import type {
  LoadBalancer,
  NetworkInterface,
  NetworkManagementClient,
  PublicIPAddress,
} from '@azure/arm-network';
import { z } from 'zod';
import type { ProgressReporter } from '../../common/progress.js';
import { type AnswerSource, checkAnswer } from '../../common/provider-answer.js';
import { isNLBError } from '../../interfaces/errors.js';
import { mapAzureError } from './azure-errors.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';
import type { ResolvedAzureOptions } from './azure-options.js';

/** What a call knows about the NLB operation it serves. */
export interface CallContext {
  operation: string;
  signal?: AbortSignal;
  /** Tells the caller's onProgress a step (absent on clean-up calls). */
  progress?: ProgressReporter | undefined;
}

/** What the driver needs of every resource it reads back: its id and name (the SDK types both optional). */
const Resource = z.looseObject({ id: z.string(), name: z.string() });

const from = (call: string, ctx: CallContext): AnswerSource => ({
  driver: AZURE_DRIVER_NAME,
  operation: ctx.operation,
  cloud: 'Azure',
  call,
});

/** Names of the load balancer's parts: one of each. */
export const PART = { frontend: 'frontend', pool: 'pool', probe: 'probe', rule: 'rule' } as const;

/** A load balancer as the driver reads it: Azure's model, with its id and name checked present. */
export type AzureLb = LoadBalancer & z.output<typeof Resource>;

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
      if (isNLBError(e) && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  getVnet(name: string, ctx: CallContext) {
    return this.#orUndefined(
      this.#run('GET virtualNetwork', ctx, async (o) =>
        checkAnswer(
          Resource,
          await this.client.virtualNetworks.get(this.rg, name, o),
          from('GET virtualNetwork', ctx),
        ),
      ),
    );
  }

  listNics(ctx: CallContext): Promise<NetworkInterface[]> {
    return this.#run('LIST networkInterfaces', ctx, async (o) => {
      const out: NetworkInterface[] = [];
      for await (const nic of this.client.networkInterfaces.list(this.rg, o)) out.push(nic);
      return out;
    });
  }

  listLbs(ctx: CallContext): Promise<AzureLb[]> {
    return this.#run('LIST loadBalancers', ctx, async (o) => {
      const out: AzureLb[] = [];
      for await (const lb of this.client.loadBalancers.list(this.rg, o))
        out.push(checkAnswer(Resource, lb, from('LIST loadBalancers', ctx)));
      return out;
    });
  }

  getLb(name: string, ctx: CallContext): Promise<AzureLb | undefined> {
    return this.#orUndefined(
      this.#run('GET loadBalancer', ctx, async (o) =>
        checkAnswer(
          Resource,
          await this.client.loadBalancers.get(this.rg, name, o),
          from('GET loadBalancer', ctx),
        ),
      ),
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

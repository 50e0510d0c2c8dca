/**
 * The Compute Engine calls the driver makes: each with errors mapped to NLBError, the SDK's own
 * retries off (a fault must reach the driver, which knows what is safe to repeat), and every mutation
 * waited for until its operation is DONE, an operation error being the call's error.
 */
import type { protos } from '@google-cloud/compute';
import { z } from 'zod';
import { sleep, throwIfAborted, untilAborted } from '../../common/abort.js';
import type { ProgressReporter } from '../../common/progress.js';
import { parseAnswer } from '../../common/provider-answer.js';
import { NLBError } from '../../interfaces/errors.js';
import { answerFrom, NamedForwardingRule, Operation, ZoneInstances, ZoneNegs } from './gcp-answers.js';
import { withCallSignal } from './gcp-call-signal.js';
import { mapGcpError, operationError } from './gcp-errors.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';
import type { ResolvedGcpOptions } from './gcp-options.js';
import type { GcpClients } from './gcp-sdk.js';

export type HealthCheck = protos.google.cloud.compute.v1.IHealthCheck;
export type BackendService = protos.google.cloud.compute.v1.IBackendService;
export type ForwardingRule = protos.google.cloud.compute.v1.IForwardingRule;
export type Neg = protos.google.cloud.compute.v1.INetworkEndpointGroup;
export type Instance = protos.google.cloud.compute.v1.IInstance;
export type HealthStatus = protos.google.cloud.compute.v1.IHealthStatus;
export type Endpoint = protos.google.cloud.compute.v1.INetworkEndpoint;

/** What a call knows about the NLB operation it serves. */
export interface CallContext {
  operation: string;
  signal?: AbortSignal;
  /** Tells the caller's onProgress a step (absent on clean-up calls). */
  progress?: ProgressReporter | undefined;
}

/** No SDK-level retries: GETs would otherwise retry UNAVAILABLE for up to 10 minutes. */
const CALL: { retry: { retryCodes: number[] } } = { retry: { retryCodes: [] } };
/** For the async list methods, which page themselves (and warn unless told so). */
const PAGED = { ...CALL, autoPaginate: false };
/** At most this many endpoints per attach or detach call (Compute Engine's limit is 500). */
export const ENDPOINTS_PER_CALL = 500;

export const API_BASE = 'https://www.googleapis.com/compute/v1';

export class GcpApi {
  constructor(
    readonly clients: GcpClients,
    readonly options: ResolvedGcpOptions,
  ) {}

  get project(): string {
    return this.options.projectId;
  }

  get region(): string {
    return this.options.region;
  }

  regionUrl(kind: string, name: string): string {
    return `${API_BASE}/projects/${this.project}/regions/${this.region}/${kind}/${name}`;
  }

  negUrl(zone: string, name: string): string {
    return `${API_BASE}/projects/${this.project}/zones/${zone}/networkEndpointGroups/${name}`;
  }

  networkUrl(name: string): string {
    return `${API_BASE}/projects/${this.project}/global/networks/${name}`;
  }

  async #run<T>(what: string, ctx: CallContext, fn: () => Promise<T>): Promise<T> {
    throwIfAborted(ctx.signal, GCP_DRIVER_NAME, ctx.operation);
    try {
      // The signal ends the request in flight (see gcp-call-signal.ts); the race covers any wait the
      // transport does outside `fetch` (a token refresh).
      return await untilAborted(withCallSignal(ctx.signal, fn), ctx.signal, GCP_DRIVER_NAME, ctx.operation);
    } catch (e) {
      throw mapGcpError(e, what, ctx.operation, ctx.signal);
    }
  }

  /** A GET that answers undefined for 404. */
  async #get<T>(
    what: string,
    ctx: CallContext,
    fn: () => Promise<[T, ...unknown[]]>,
  ): Promise<T | undefined> {
    try {
      return (await this.#run(what, ctx, fn))[0];
    } catch (e) {
      if (e instanceof NLBError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** Sends a mutation and waits until its operation is DONE. */
  async #mutate(
    what: string,
    ctx: CallContext,
    zone: string | undefined,
    fn: () => Promise<[{ latestResponse?: unknown }, ...unknown[]]>,
  ): Promise<void> {
    const [lro] = await this.#run(what, ctx, fn);
    const readOp = (answer: unknown) => parseAnswer(Operation, answer, answerFrom(what, ctx.operation));
    let op = readOp(lro.latestResponse);
    const { minDelayMs, maxDelayMs, maxWaitMs } = this.options.waiter;
    const deadline = Date.now() + maxWaitMs;
    let delay = minDelayMs;
    while (op.status !== 'DONE') {
      if (Date.now() > deadline)
        throw new NLBError({
          code: 'TIMEOUT',
          driver: GCP_DRIVER_NAME,
          operation: ctx.operation,
          message: `${what}: operation ${op.name} not done after ${maxWaitMs} ms`,
        });
      const req = { project: this.project, operation: op.name };
      try {
        op = readOp(
          (
            await this.#run(`${what}:wait`, ctx, () =>
              zone
                ? this.clients.zoneOperations.wait({ ...req, zone }, CALL)
                : this.clients.regionOperations.wait({ ...req, region: this.region }, CALL),
            )
          )[0],
        );
        delay = minDelayMs;
      } catch (e) {
        // A wait that failed in transit says nothing of the operation: wait again.
        if (!(e instanceof NLBError) || !e.retryable) throw e;
        await sleep(delay, ctx.signal, GCP_DRIVER_NAME, ctx.operation);
        delay = Math.min(maxDelayMs, delay * 2);
      }
    }
    const errors = op.error?.errors ?? [];
    if (errors.length > 0)
      throw operationError(errors, op.httpErrorStatusCode ?? undefined, what, ctx.operation);
  }

  // Health checks (regional).
  getHealthCheck = (name: string, ctx: CallContext) =>
    this.#get<HealthCheck>('healthChecks.get', ctx, () =>
      this.clients.healthChecks.get({ project: this.project, region: this.region, healthCheck: name }, CALL),
    );
  insertHealthCheck = (resource: HealthCheck, ctx: CallContext) =>
    this.#mutate('healthChecks.insert', ctx, undefined, () =>
      this.clients.healthChecks.insert(
        { project: this.project, region: this.region, healthCheckResource: resource },
        CALL,
      ),
    );
  updateHealthCheck = (name: string, resource: HealthCheck, ctx: CallContext) =>
    this.#mutate('healthChecks.update', ctx, undefined, () =>
      this.clients.healthChecks.update(
        { project: this.project, region: this.region, healthCheck: name, healthCheckResource: resource },
        CALL,
      ),
    );
  deleteHealthCheck = (name: string, ctx: CallContext) =>
    this.#mutate('healthChecks.delete', ctx, undefined, () =>
      this.clients.healthChecks.delete(
        { project: this.project, region: this.region, healthCheck: name },
        CALL,
      ),
    );

  // Backend services (regional).
  getBackendService = (name: string, ctx: CallContext) =>
    this.#get<BackendService>('backendServices.get', ctx, () =>
      this.clients.backendServices.get(
        { project: this.project, region: this.region, backendService: name },
        CALL,
      ),
    );
  insertBackendService = (resource: BackendService, ctx: CallContext) =>
    this.#mutate('backendServices.insert', ctx, undefined, () =>
      this.clients.backendServices.insert(
        { project: this.project, region: this.region, backendServiceResource: resource },
        CALL,
      ),
    );
  /** PATCH with the fingerprint read: another writer's change in between is a CONFLICT (412). */
  patchBackendService = (name: string, patch: BackendService, ctx: CallContext) =>
    this.#mutate('backendServices.patch', ctx, undefined, () =>
      this.clients.backendServices.patch(
        { project: this.project, region: this.region, backendService: name, backendServiceResource: patch },
        CALL,
      ),
    );
  deleteBackendService = (name: string, ctx: CallContext) =>
    this.#mutate('backendServices.delete', ctx, undefined, () =>
      this.clients.backendServices.delete(
        { project: this.project, region: this.region, backendService: name },
        CALL,
      ),
    );
  async backendHealth(name: string, group: string, ctx: CallContext): Promise<HealthStatus[]> {
    const [res] = await this.#run('backendServices.getHealth', ctx, () =>
      this.clients.backendServices.getHealth(
        {
          project: this.project,
          region: this.region,
          backendService: name,
          resourceGroupReferenceResource: { group },
        },
        CALL,
      ),
    );
    return res.healthStatus ?? [];
  }

  // Forwarding rules (regional).
  getForwardingRule = async (name: string, ctx: CallContext) => {
    const fr = await this.#get<ForwardingRule>('forwardingRules.get', ctx, () =>
      this.clients.forwardingRules.get(
        { project: this.project, region: this.region, forwardingRule: name },
        CALL,
      ),
    );
    return fr && parseAnswer(NamedForwardingRule, fr, answerFrom('forwardingRules.get', ctx.operation));
  };
  async listForwardingRules(ctx: CallContext) {
    const [items] = await this.#run('forwardingRules.list', ctx, () =>
      this.clients.forwardingRules.list({ project: this.project, region: this.region }, CALL),
    );
    return parseAnswer(
      z.array(NamedForwardingRule),
      items,
      answerFrom('forwardingRules.list', ctx.operation),
    );
  }
  /** Every regional backend service (listNLB reads them in one paged call, not one GET per NLB). */
  async listBackendServices(ctx: CallContext): Promise<BackendService[]> {
    const [items] = await this.#run('backendServices.list', ctx, () =>
      this.clients.backendServices.list({ project: this.project, region: this.region }, CALL),
    );
    return items;
  }
  /** Every regional health check. */
  async listHealthChecks(ctx: CallContext): Promise<HealthCheck[]> {
    const [items] = await this.#run('healthChecks.list', ctx, () =>
      this.clients.healthChecks.list({ project: this.project, region: this.region }, CALL),
    );
    return items;
  }
  insertForwardingRule = (resource: ForwardingRule, ctx: CallContext) =>
    this.#mutate('forwardingRules.insert', ctx, undefined, () =>
      this.clients.forwardingRules.insert(
        { project: this.project, region: this.region, forwardingRuleResource: resource },
        CALL,
      ),
    );
  /** Replaces a forwarding rule's labels; `labelFingerprint` is the one read (412 when stale). */
  setForwardingRuleLabels = (
    name: string,
    labels: Record<string, string>,
    labelFingerprint: string | null | undefined,
    ctx: CallContext,
  ) =>
    this.#mutate('forwardingRules.setLabels', ctx, undefined, () =>
      this.clients.forwardingRules.setLabels(
        {
          project: this.project,
          region: this.region,
          resource: name,
          regionSetLabelsRequestResource: { labels, labelFingerprint },
        },
        CALL,
      ),
    );
  deleteForwardingRule = (name: string, ctx: CallContext) =>
    this.#mutate('forwardingRules.delete', ctx, undefined, () =>
      this.clients.forwardingRules.delete(
        { project: this.project, region: this.region, forwardingRule: name },
        CALL,
      ),
    );

  // Zonal GCE_VM_IP network endpoint groups.
  getNeg = (zone: string, name: string, ctx: CallContext) =>
    this.#get<Neg>('networkEndpointGroups.get', ctx, () =>
      this.clients.negs.get({ project: this.project, zone, networkEndpointGroup: name }, CALL),
    );
  insertNeg = (zone: string, resource: Neg, ctx: CallContext) =>
    this.#mutate('networkEndpointGroups.insert', ctx, zone, () =>
      this.clients.negs.insert({ project: this.project, zone, networkEndpointGroupResource: resource }, CALL),
    );
  deleteNeg = (zone: string, name: string, ctx: CallContext) =>
    this.#mutate('networkEndpointGroups.delete', ctx, zone, () =>
      this.clients.negs.delete({ project: this.project, zone, networkEndpointGroup: name }, CALL),
    );
  attach = (zone: string, name: string, endpoints: Endpoint[], ctx: CallContext) =>
    this.#mutate('networkEndpointGroups.attachNetworkEndpoints', ctx, zone, () =>
      this.clients.negs.attachNetworkEndpoints(
        {
          project: this.project,
          zone,
          networkEndpointGroup: name,
          networkEndpointGroupsAttachEndpointsRequestResource: { networkEndpoints: endpoints },
        },
        CALL,
      ),
    );
  detach = (zone: string, name: string, endpoints: Endpoint[], ctx: CallContext) =>
    this.#mutate('networkEndpointGroups.detachNetworkEndpoints', ctx, zone, () =>
      this.clients.negs.detachNetworkEndpoints(
        {
          project: this.project,
          zone,
          networkEndpointGroup: name,
          networkEndpointGroupsDetachEndpointsRequestResource: { networkEndpoints: endpoints },
        },
        CALL,
      ),
    );
  /** The NEG's endpoints; undefined when the NEG is gone. */
  async endpoints(zone: string, name: string, ctx: CallContext): Promise<Endpoint[] | undefined> {
    const items = await this.#get('networkEndpointGroups.listNetworkEndpoints', ctx, () =>
      this.clients.negs.listNetworkEndpoints(
        {
          project: this.project,
          zone,
          networkEndpointGroup: name,
          networkEndpointGroupsListEndpointsRequestResource: {},
        },
        CALL,
      ),
    );
    return items?.map((i) => i.networkEndpoint ?? {});
  }
  /** NEGs of the region whose names match `pattern` (RE2, whole name), by zone. */
  async findNegs(pattern: string, ctx: CallContext) {
    return this.#aggregated('networkEndpointGroups.aggregatedList', ctx, pattern, (req) =>
      this.clients.negs.aggregatedListAsync(req, PAGED),
    ).then((rows) =>
      rows.flatMap(([zone, list]) =>
        (
          parseAnswer(ZoneNegs, list, answerFrom('networkEndpointGroups.aggregatedList', ctx.operation))
            .networkEndpointGroups ?? []
        ).map((neg) => ({ zone, neg })),
      ),
    );
  }

  /** Instances of the region whose names match `pattern` (RE2, whole name), by zone. */
  async findInstances(pattern: string, ctx: CallContext) {
    return this.#aggregated('instances.aggregatedList', ctx, pattern, (req) =>
      this.clients.instances.aggregatedListAsync(req, PAGED),
    ).then((rows) =>
      rows.flatMap(([zone, list]) =>
        (
          parseAnswer(ZoneInstances, list, answerFrom('instances.aggregatedList', ctx.operation)).instances ??
          []
        ).map((instance) => ({ zone, instance })),
      ),
    );
  }

  /** An aggregated list filtered by name, keeping the zones of this region (`zones/ZONE` keys). */
  async #aggregated(
    what: string,
    ctx: CallContext,
    pattern: string,
    list: (req: { project: string; filter: string }) => AsyncIterable<[string, unknown]>,
  ): Promise<[string, unknown][]> {
    return this.#run(what, ctx, async () => {
      const out: [string, unknown][] = [];
      for await (const [key, value] of list({ project: this.project, filter: `name eq "${pattern}"` })) {
        const zone = key.replace(/^zones\//, '');
        if (key.startsWith('zones/') && zone.startsWith(`${this.region}-`)) out.push([zone, value]);
      }
      return out;
    });
  }
}

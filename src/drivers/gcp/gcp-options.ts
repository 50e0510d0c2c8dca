/**
 * Options of the GCP driver: which project and region, and how to authenticate. Omitted values come
 * from GOOGLE_CLOUD_PROJECT (or GCLOUD_PROJECT, CLOUDSDK_CORE_PROJECT) and CLOUDSDK_COMPUTE_REGION (or
 * GOOGLE_CLOUD_REGION); credentials default to Application Default Credentials.
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import type { PollDelays } from '../../common/poll.js';
import { renamedOption } from '../../common/renamed-option.js';
import { type WaiterOptions, waiterWithDefaults } from '../../common/waiter-options.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

export { GCP_DRIVER_NAME } from './gcp-name.js';

/** A client class of `@google-cloud/compute`, built with the project, endpoint and auth client. */
type GcpClientClass = new (options: never) => object;

/** The part of `@google-cloud/compute` the driver uses: the client classes of the collections it calls. */
export interface GcpComputeLib {
  RegionHealthChecksClient: GcpClientClass;
  RegionBackendServicesClient: GcpClientClass;
  ForwardingRulesClient: GcpClientClass;
  NetworkEndpointGroupsClient: GcpClientClass;
  InstancesClient: GcpClientClass;
  RegionOperationsClient: GcpClientClass;
  ZoneOperationsClient: GcpClientClass;
}

/**
 * The SDK module, given by the user instead of loaded by the driver (so a bundler sees the import,
 * and the SDK can be pinned or wrapped). Given, it is never imported by the driver.
 *
 * @example
 * // Called as libOf(await import('@google-cloud/compute')):
 * const libOf = (compute: GcpComputeLib): GcpLib => ({ compute });
 */
export interface GcpLib {
  /** `@google-cloud/compute`. Default: imported on the first call. */
  compute?: GcpComputeLib | undefined;
}

/** Options of {@link createGcpDriver}. */
export interface GcpDriverOptions {
  /** Default: `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT` or `CLOUDSDK_CORE_PROJECT`. */
  projectId?: string | undefined;
  /** Region of the NLBs and their VMs, e.g. `europe-west1`. Default: `CLOUDSDK_COMPUTE_REGION` or `GOOGLE_CLOUD_REGION`. */
  region?: string | undefined;
  /**
   * A `google-auth-library` client (e.g. from `new GoogleAuth({ scopes }).getClient()`). Default:
   * Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud, the metadata server).
   */
  authClient?: unknown;
  /** A service-account key file, instead of ADC. */
  keyFilename?: string | undefined;
  /**
   * The subnetwork (name) an INTERNAL NLB's address is taken from when the NLB has no VMs to take it
   * from. Default: the first VM's subnetwork.
   */
  subnetwork?: string | undefined;
  /**
   * The Compute Engine API's URL, e.g. `https://compute.example.internal:8443` (private endpoints;
   * `http://` for a local fake only): scheme, host and port, no path. Default
   * `https://compute.googleapis.com`.
   */
  endpoint?: string | undefined;
  /** @deprecated Use `endpoint` (a URL); kept for one more release. The API host. */
  apiEndpoint?: string | undefined;
  /** @deprecated Use `endpoint` (a URL); kept for one more release. The API port. */
  port?: number | undefined;
  /** @deprecated Use `endpoint` (a URL); kept for one more release. `https` or `http`. */
  protocol?: 'http' | 'https' | undefined;
  /**
   * Waiting for an operation to finish. The driver asks Compute Engine to wait (`operations.wait`,
   * which answers when the operation is done or after about two minutes) and asks again until
   * `maxWaitMs` (default 600000: 10 minutes) is past, then TIMEOUT. `minDelayMs` (default 1000) is the
   * pause before asking again after a wait failed in transit, doubling up to `maxDelayMs` (default
   * 10000) while failures go on; a wait that answers is asked again at once.
   */
  waiter?: WaiterOptions | undefined;
  /** @deprecated Use `waiter.maxWaitMs`; kept for one more release. */
  operationTimeoutMs?: number | undefined;
  /** @deprecated Use `waiter.minDelayMs`; kept for one more release. */
  pollIntervalMs?: number | undefined;
  /** The SDK module to use instead of importing it (see {@link GcpLib}). Default: imported lazily. */
  lib?: GcpLib | undefined;
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const optionsSchema = z.object({
  projectId: z
    .string()
    .regex(/^[a-z][-a-z0-9.:]{4,62}[a-z0-9]$/, { error: 'must be a project id such as my-project-123' }),
  region: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, { error: 'must be a region such as europe-west1' }),
  keyFilename: z.string().min(1).optional(),
  subnetwork: z.string().regex(NAME, { error: 'must be a subnetwork name' }).optional(),
  apiEndpoint: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, { error: 'must be a host name, without scheme or path' })
    .optional(),
  port: z.number().int().min(1).max(65535).optional(),
  protocol: z.enum(['http', 'https']),
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((u) => /^https?:\/\/[^/?#]+\/?$/.test(u), {
      error: 'must be scheme, host and port only (no path)',
    })
    .optional(),
  waiter: z.object({
    minDelayMs: z.number().int().positive(),
    maxDelayMs: z.number().int().positive(),
    maxWaitMs: z.number().int().positive(),
  }),
});

/** Options with the environment and defaults applied; `endpoint` parsed into the SDK's three parts. */
export interface ResolvedGcpOptions extends Omit<z.infer<typeof optionsSchema>, 'endpoint'> {
  waiter: PollDelays;
  authClient?: unknown;
  lib: GcpLib;
}

/** The SDK's `apiEndpoint`, `port` and `protocol` of an endpoint URL. */
function endpointParts(endpoint: string): Pick<ResolvedGcpOptions, 'apiEndpoint' | 'port' | 'protocol'> {
  const url = new URL(endpoint);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { apiEndpoint: url.hostname, port: Number(url.port) || (protocol === 'http' ? 80 : 443), protocol };
}

/** The deprecated names of the options given (see docs/drivers/gcp.md, "Renamed options"). */
function renamedOptions(options: GcpDriverOptions) {
  const rename = <T>(name: string, value: T | undefined, was: string, wasValue: T | undefined) =>
    renamedOption(GCP_DRIVER_NAME, 'createGcpDriver', { name, value, was, wasValue });
  for (const was of ['apiEndpoint', 'port', 'protocol'] as const)
    rename<unknown>('endpoint', options.endpoint, was, options[was]);
  return {
    minDelayMs: rename(
      'waiter.minDelayMs',
      options.waiter?.minDelayMs,
      'pollIntervalMs',
      options.pollIntervalMs,
    ),
    maxWaitMs: rename(
      'waiter.maxWaitMs',
      options.waiter?.maxWaitMs,
      'operationTimeoutMs',
      options.operationTimeoutMs,
    ),
  };
}

/** Applies the environment and defaults; INVALID_ARGUMENT names a missing or malformed option. */
export function resolveGcpOptions(
  options: GcpDriverOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGcpOptions {
  const renamed = renamedOptions(options);
  const { endpoint, ...data } = parseDriverOptions(
    optionsSchema,
    {
      projectId:
        options.projectId ??
        (env.GOOGLE_CLOUD_PROJECT || env.GCLOUD_PROJECT || env.CLOUDSDK_CORE_PROJECT || undefined),
      region: options.region ?? (env.CLOUDSDK_COMPUTE_REGION || env.GOOGLE_CLOUD_REGION || undefined),
      keyFilename: options.keyFilename,
      subnetwork: options.subnetwork,
      apiEndpoint: options.apiEndpoint,
      port: options.port,
      protocol: options.protocol ?? 'https',
      endpoint: options.endpoint,
      waiter: waiterWithDefaults(
        { maxDelayMs: options.waiter?.maxDelayMs, ...renamed },
        { minDelayMs: 1000, maxDelayMs: 10_000, maxWaitMs: 600_000 },
      ),
    },
    GCP_DRIVER_NAME,
    'createGcpDriver',
    { projectId: 'GOOGLE_CLOUD_PROJECT', region: 'CLOUDSDK_COMPUTE_REGION' },
  );
  return {
    ...data,
    ...(endpoint ? endpointParts(endpoint) : {}),
    authClient: options.authClient,
    lib: options.lib ?? {},
  };
}

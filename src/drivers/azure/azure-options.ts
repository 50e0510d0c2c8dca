/**
 * Options of the Azure driver: which subscription, resource group and region, and how to authenticate.
 * Omitted values come from AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_LOCATION; credentials
 * default to `DefaultAzureCredential` (package `@azure/identity`, loaded on first use).
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import { renamedOption } from '../../common/renamed-option.js';
import type { WaiterOptions } from '../../common/waiter-options.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

export { AZURE_DRIVER_NAME } from './azure-name.js';

/** What the driver needs of a credential: `@azure/core-auth`'s TokenCredential (any `@azure/identity` one). */
export interface AzureTokenCredential {
  getToken(
    scopes: string | string[],
    options?: unknown,
  ): Promise<{ token: string; expiresOnTimestamp: number } | null>;
}

/**
 * The part of `@azure/arm-network` the driver uses: its `NetworkManagementClient` class, built with
 * the credential, the subscription and the options (endpoint, retries, httpClient).
 */
export interface AzureNetworkLib {
  /** Built as `new NetworkManagementClient(credential, subscriptionId, options)`. */
  NetworkManagementClient: new (
    credential: never,
    subscriptionId: string,
    options?: never,
  ) => object;
}

/** The part of `@azure/identity` the driver uses: `DefaultAzureCredential`, when no credential is given. */
export interface AzureIdentityLib {
  DefaultAzureCredential: new () => AzureTokenCredential;
}

/**
 * The SDK modules, given by the user instead of loaded by the driver (so a bundler sees the import,
 * and the SDK can be pinned or wrapped). A module given here is never imported by the driver.
 *
 * @example
 * // Called as libOf(await import('@azure/arm-network')):
 * const libOf = (network: AzureNetworkLib): AzureLib => ({ network });
 */
export interface AzureLib {
  /** `@azure/arm-network`. Default: imported on the first call. */
  network?: AzureNetworkLib | undefined;
  /** `@azure/identity`, needed only without `credential`. Default: imported on the first call then. */
  identity?: AzureIdentityLib | undefined;
}

/** Options of {@link createAzureDriver}. */
export interface AzureDriverOptions {
  /** Default: `AZURE_SUBSCRIPTION_ID`. */
  subscriptionId?: string | undefined;
  /** The resource group of the load balancers, their public IPs, the VNet and the VMs' NICs. Default: `AZURE_RESOURCE_GROUP`. */
  resourceGroup?: string | undefined;
  /** Region of new load balancers and public IPs, e.g. `westeurope`. Default: `AZURE_LOCATION`. */
  location?: string | undefined;
  /** Default: `new DefaultAzureCredential()` from `@azure/identity`. */
  credential?: AzureTokenCredential | undefined;
  /** Resource Manager endpoint. Default `https://management.azure.com` (other clouds: their own). */
  endpoint?: string | undefined;
  /** Retries per request for throttling and transient errors (the SDK's policy). Default 3. */
  maxRetries?: number | undefined;
  /**
   * Polling of long-running operations. On Azure only `minDelayMs` applies: the SDK's poller waits
   * that long between polls when Azure does not say (`Retry-After`); default the SDK's (2000).
   * `maxDelayMs` and `maxWaitMs` have no effect (the poller neither backs off nor gives up; cancel a
   * call with its `signal`).
   */
  waiter?: WaiterOptions | undefined;
  /** @deprecated Use `waiter.minDelayMs`; kept for one more release. */
  pollIntervalMs?: number | undefined;
  /** The SDK modules to use instead of importing them (see {@link AzureLib}). Default: imported lazily. */
  lib?: AzureLib | undefined;
  /** The tag marking nlbkit's load balancers (value: the NLB's name). Default `nlbkit-nlb`. */
  managedTagKey?: string | undefined;
  /**
   * Sends every HTTP request (a `@azure/core-rest-pipeline` HttpClient). For proxies and tests; the
   * default is the SDK's own.
   */
  httpClient?: unknown;
}

const optionsSchema = z.object({
  subscriptionId: z.string().regex(/^[0-9a-fA-F-]{36}$/, { error: 'must be a subscription id (a GUID)' }),
  resourceGroup: z.string().regex(/^[-\w._()]{1,90}$/, { error: 'must be a resource group name' }),
  location: z
    .string()
    .regex(/^[a-z0-9]{1,40}$/, { error: 'must be a region name such as westeurope' })
    .optional(),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  maxRetries: z.number().int().min(0).max(10),
  waiter: z.object({
    minDelayMs: z.number().int().positive().optional(),
    maxDelayMs: z.number().int().positive().optional(),
    maxWaitMs: z.number().int().positive().optional(),
  }),
  managedTagKey: z.string().min(1).max(512),
});

/** Options with the environment and defaults applied. */
export interface ResolvedAzureOptions extends z.infer<typeof optionsSchema> {
  credential?: AzureTokenCredential | undefined;
  httpClient?: unknown;
  lib: AzureLib;
}

/** Applies the environment and defaults; INVALID_ARGUMENT names a missing or malformed option. */
export function resolveAzureOptions(
  options: AzureDriverOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedAzureOptions {
  const data = parseDriverOptions(
    optionsSchema,
    {
      subscriptionId: options.subscriptionId ?? env.AZURE_SUBSCRIPTION_ID,
      resourceGroup: options.resourceGroup ?? env.AZURE_RESOURCE_GROUP,
      location: options.location ?? (env.AZURE_LOCATION || undefined),
      endpoint: options.endpoint,
      maxRetries: options.maxRetries ?? 3,
      waiter: {
        ...options.waiter,
        minDelayMs: renamedOption(AZURE_DRIVER_NAME, 'createAzureDriver', {
          name: 'waiter.minDelayMs',
          value: options.waiter?.minDelayMs,
          was: 'pollIntervalMs',
          wasValue: options.pollIntervalMs,
        }),
      },
      managedTagKey: options.managedTagKey ?? 'nlbkit-nlb',
    },
    AZURE_DRIVER_NAME,
    'createAzureDriver',
    {
      subscriptionId: 'AZURE_SUBSCRIPTION_ID',
      resourceGroup: 'AZURE_RESOURCE_GROUP',
      location: 'AZURE_LOCATION',
    },
  );
  return { ...data, credential: options.credential, httpClient: options.httpClient, lib: options.lib ?? {} };
}

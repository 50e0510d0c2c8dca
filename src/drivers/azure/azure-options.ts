/**
 * Options of the Azure driver: which subscription, resource group and region, and how to authenticate.
 * Omitted values come from AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_LOCATION; credentials
 * default to `DefaultAzureCredential` (package `@azure/identity`, loaded on first use).
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';

export { AZURE_DRIVER_NAME } from './azure-name.js';

/** What the driver needs of a credential: `@azure/core-auth`'s TokenCredential (any `@azure/identity` one). */
export interface AzureTokenCredential {
  getToken(
    scopes: string | string[],
    options?: unknown,
  ): Promise<{ token: string; expiresOnTimestamp: number } | null>;
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
  /** Delay between polls of long-running operations when Azure does not say (ms). Default: the SDK's. */
  pollIntervalMs?: number | undefined;
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
  pollIntervalMs: z.number().int().positive().optional(),
  managedTagKey: z.string().min(1).max(512),
});

/** Options with the environment and defaults applied. */
export interface ResolvedAzureOptions extends z.infer<typeof optionsSchema> {
  credential?: AzureTokenCredential | undefined;
  httpClient?: unknown;
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
      pollIntervalMs: options.pollIntervalMs,
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
  return { ...data, credential: options.credential, httpClient: options.httpClient };
}

/**
 * Options of the GCP driver: which project and region, and how to authenticate. Omitted values come
 * from GOOGLE_CLOUD_PROJECT (or GCLOUD_PROJECT, CLOUDSDK_CORE_PROJECT) and CLOUDSDK_COMPUTE_REGION (or
 * GOOGLE_CLOUD_REGION); credentials default to Application Default Credentials.
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

export { GCP_DRIVER_NAME } from './gcp-name.js';

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
  /** API host (`compute.googleapis.com`), for private endpoints and tests. */
  apiEndpoint?: string | undefined;
  /** API port, with `apiEndpoint`. */
  port?: number | undefined;
  /** `https` (default) or `http` (tests against a local fake only). */
  protocol?: 'http' | 'https' | undefined;
  /** How long to wait for one operation to finish (ms). Default 10 minutes. */
  operationTimeoutMs?: number | undefined;
  /** Delay before polling an operation again after a transient error (ms). Default 1000. */
  pollIntervalMs?: number | undefined;
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
  operationTimeoutMs: z.number().int().positive(),
  pollIntervalMs: z.number().int().positive(),
});

/** Options with the environment and defaults applied. */
export interface ResolvedGcpOptions extends z.infer<typeof optionsSchema> {
  authClient?: unknown;
}

/** Applies the environment and defaults; INVALID_ARGUMENT names a missing or malformed option. */
export function resolveGcpOptions(
  options: GcpDriverOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedGcpOptions {
  const data = parseDriverOptions(
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
      operationTimeoutMs: options.operationTimeoutMs ?? 600_000,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    },
    GCP_DRIVER_NAME,
    'createGcpDriver',
    { projectId: 'GOOGLE_CLOUD_PROJECT', region: 'CLOUDSDK_COMPUTE_REGION' },
  );
  return { ...data, authClient: options.authClient };
}

/**
 * Options of the OpenStack driver: where Keystone is, how to authenticate, and which network carries
 * floating IPs for PUBLIC load balancers. Anything omitted comes from the standard `OS_*` environment
 * variables (as the `openstack` CLI reads them); what is neither given nor set is a clear error at the
 * first call. Secrets are never part of an error or a log line.
 */
import { z } from 'zod';
import { parseDriverOptions } from '../../common/driver-options.js';
import { stripUndefined } from '../../common/strip-undefined.js';
import { type WaiterOptions, waiterWithDefaults } from '../../common/waiter-options.js';
import { NLBError } from '../../interfaces/errors.js';
import { optionsFromCloudsYaml } from './openstack-clouds-yaml.js';
import { OPENSTACK_DRIVER_NAME } from './openstack-name.js';

export { OPENSTACK_DRIVER_NAME } from './openstack-name.js';

/** Keystone v3 password authentication, scoped to a project given by name (with its domain) or by id. */
export interface OpenStackPasswordAuth {
  type?: 'password' | undefined;
  username: string;
  password: string;
  /** Default `Default`. */
  userDomainName?: string | undefined;
  /** The project's name; or give `projectId`. */
  projectName?: string | undefined;
  /** The project's id (ids are unique across domains, so no project domain is needed). */
  projectId?: string | undefined;
  /** Default `Default`. */
  projectDomainName?: string | undefined;
}

/** Keystone v3 application credential (already scoped to its project). */
export interface OpenStackApplicationCredentialAuth {
  type: 'applicationCredential';
  id: string;
  secret: string;
}

/** @deprecated Use {@link WaiterOptions} (the same shape, shared by every cloud driver). */
export type OpenStackWaiterOptions = WaiterOptions;

/**
 * What the driver needs of `fetch`: it calls it with a URL string and an init (method, headers, JSON
 * body, signal) and reads the Response's status and JSON. `globalThis.fetch` fits, as does a wrapper
 * adding a proxy dispatcher, client certificates or a recorder.
 */
export type OpenStackFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createOpenStackDriver}. */
export interface OpenStackDriverOptions {
  /**
   * A cloud of `clouds.yaml` (merged with `secure.yaml`) to take authUrl, auth, region and interface
   * from. Default: `OS_CLOUD`. Options given here still win over the file.
   */
  cloud?: string | undefined;
  /** Keystone's URL, e.g. `https://keystone.example.com:5000/v3`. Default: `OS_AUTH_URL`. */
  authUrl?: string | undefined;
  /** Credentials. Default: `OS_APPLICATION_CREDENTIAL_ID`/`_SECRET`, else `OS_USERNAME`, `OS_PASSWORD`, `OS_PROJECT_NAME`... */
  auth?: OpenStackPasswordAuth | OpenStackApplicationCredentialAuth | undefined;
  /** Region of the endpoints to use. Default: `OS_REGION_NAME`, else the catalog's only region. */
  region?: string | undefined;
  /** Endpoint interface. Default: `OS_INTERFACE`, else `public`. */
  interface?: 'public' | 'internal' | 'admin' | undefined;
  /**
   * The external network floating IPs come from (name or id): needed for PUBLIC load balancers, which
   * are an INTERNAL VIP plus a floating IP. Without it, only INTERNAL can be created.
   */
  floatingNetwork?: string | undefined;
  /**
   * The Octavia provider: `amphora` (Octavia's reference provider, and these capabilities when unset)
   * or `ovn` (ovn-octavia-provider: its narrower capabilities, and sent with every create).
   */
  provider?: 'amphora' | 'ovn' | undefined;
  /**
   * Waiting for Octavia to finish a change (it moves the load balancer to PENDING_* and back). Defaults:
   * minDelayMs 1000, maxDelayMs 5000, maxWaitMs 600000 (amphorae take minutes to boot). Every field
   * applies on OpenStack.
   */
  waiter?: WaiterOptions | undefined;
  /** Per-request timeout, ms. Default 60,000. */
  requestTimeoutMs?: number | undefined;
  /**
   * Sends every request: Keystone, Octavia, Neutron and Nova (proxies, mTLS, test fakes). Default
   * `globalThis.fetch`, looked up at each request.
   */
  fetch?: OpenStackFetch | undefined;
}

const text = z.string().min(1).max(255);
const optionsSchema = z.strictObject({
  cloud: text.optional(),
  authUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  auth: z.union([
    z
      .strictObject({
        type: z.literal('password').optional(),
        username: text,
        password: z.string().min(1),
        userDomainName: text.optional(),
        projectName: text.optional(),
        projectId: text.optional(),
        projectDomainName: text.optional(),
      })
      .refine((a) => a.projectName !== undefined || a.projectId !== undefined, {
        error: 'needs projectName or projectId',
        path: ['projectName'],
      }),
    z.strictObject({ type: z.literal('applicationCredential'), id: text, secret: z.string().min(1) }),
  ]),
  region: text.optional(),
  interface: z.enum(['public', 'internal', 'admin']),
  floatingNetwork: text.optional(),
  provider: z.enum(['amphora', 'ovn']).optional(),
  waiter: z.strictObject({
    minDelayMs: z.number().positive(),
    maxDelayMs: z.number().positive(),
    maxWaitMs: z.number().positive(),
  }),
  requestTimeoutMs: z.number().int().positive(),
});

/** Options with the environment and the defaults applied, validated. */
export type ResolvedOpenStackOptions = z.infer<typeof optionsSchema> & { fetch?: OpenStackFetch | undefined };

/** The credentials the environment describes, if it describes any. */
function authFromEnv(env: NodeJS.ProcessEnv): ResolvedOpenStackOptions['auth'] | undefined {
  if (env.OS_APPLICATION_CREDENTIAL_ID || env.OS_APPLICATION_CREDENTIAL_SECRET)
    return {
      type: 'applicationCredential',
      id: env.OS_APPLICATION_CREDENTIAL_ID ?? '',
      secret: env.OS_APPLICATION_CREDENTIAL_SECRET ?? '',
    };
  if (!env.OS_USERNAME && !env.OS_PASSWORD) return undefined;
  return {
    username: env.OS_USERNAME ?? '',
    password: env.OS_PASSWORD ?? '',
    userDomainName: env.OS_USER_DOMAIN_NAME,
    projectName: env.OS_PROJECT_NAME || env.OS_TENANT_NAME || undefined,
    projectId: env.OS_PROJECT_ID || env.OS_TENANT_ID || undefined,
    projectDomainName: env.OS_PROJECT_DOMAIN_NAME,
  };
}

/**
 * Applies the environment and defaults and validates the result; an INVALID_ARGUMENT error names the
 * field (never its value: it may be a secret).
 */
export function resolveOpenStackOptions(
  given: OpenStackDriverOptions,
  env: NodeJS.ProcessEnv = process.env,
  where: { cwd?: string | undefined; home?: string | undefined } = {},
): ResolvedOpenStackOptions {
  // Precedence: the options given, then the named cloud of clouds.yaml, then the OS_* variables.
  const cloud = given.cloud ?? (env.OS_CLOUD || undefined);
  const fromFile = cloud ? optionsFromCloudsYaml(cloud, env, where) : {};
  const options = { ...fromFile, ...stripUndefined(given) };
  const merged = {
    authUrl: options.authUrl ?? env.OS_AUTH_URL,
    auth: options.auth ?? authFromEnv(env),
    region: options.region ?? (env.OS_REGION_NAME || undefined),
    interface: options.interface ?? (env.OS_INTERFACE?.replace(/URL$/, '') || 'public'),
    cloud,
    floatingNetwork: options.floatingNetwork,
    provider: options.provider,
    waiter: waiterWithDefaults(options.waiter, { minDelayMs: 1000, maxDelayMs: 5000, maxWaitMs: 600_000 }),
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
  };
  if (given.fetch !== undefined && typeof given.fetch !== 'function')
    throw new NLBError({
      code: 'INVALID_ARGUMENT',
      driver: OPENSTACK_DRIVER_NAME,
      operation: 'createOpenStackDriver',
      message: 'options.fetch: must be a function like globalThis.fetch',
    });
  const resolved = parseDriverOptions(
    optionsSchema,
    merged,
    OPENSTACK_DRIVER_NAME,
    'createOpenStackDriver',
    'set the OS_* environment variables',
  );
  return { ...resolved, fetch: given.fetch };
}

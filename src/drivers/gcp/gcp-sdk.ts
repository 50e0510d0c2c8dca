/**
 * Loads `@google-cloud/compute` on first use (unless the user gave it as `options.lib.compute`) and
 * builds the clients the driver needs, sharing one auth client. Without options.authClient the auth client is made and awaited here, so missing Application
 * Default Credentials are one clear error rather than a rejection inside the SDK.
 */

import { credentialError } from '../../common/credential-errors.js';
import { loadPackage, type ModuleImporter } from '../../common/load-package.js';
import { signalAwareAuthClient } from './gcp-call-signal.js';
import { GCP_CREDENTIALS_HINT } from './gcp-errors.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';
import type { GcpComputeLib, ResolvedGcpOptions } from './gcp-options.js';

export const COMPUTE_PACKAGE = '@google-cloud/compute';

type Compute = typeof import('@google-cloud/compute');

/** The clients, one per Compute Engine collection the driver uses. */
export interface GcpClients {
  healthChecks: InstanceType<Compute['RegionHealthChecksClient']>;
  backendServices: InstanceType<Compute['RegionBackendServicesClient']>;
  forwardingRules: InstanceType<Compute['ForwardingRulesClient']>;
  negs: InstanceType<Compute['NetworkEndpointGroupsClient']>;
  instances: InstanceType<Compute['InstancesClient']>;
  regionOperations: InstanceType<Compute['RegionOperationsClient']>;
  zoneOperations: InstanceType<Compute['ZoneOperationsClient']>;
}

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/** Builds the clients from the options. */
export async function buildGcpClients(
  options: ResolvedGcpOptions,
  operation: string,
  importer?: ModuleImporter,
): Promise<GcpClients> {
  // `lib` is typed by a small shape (no SDK types in nlbkit's); inside, the clients are the SDK's.
  const compute = (options.lib.compute ??
    (await loadPackage<GcpComputeLib>(
      GCP_DRIVER_NAME,
      'GCP',
      COMPUTE_PACKAGE,
      operation,
      importer,
    ))) as Compute;
  const base: Record<string, unknown> = {
    fallback: true,
    projectId: options.projectId,
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol === 'http' ? { protocol: 'http' } : {}),
  };
  let authClient = options.authClient;
  if (!authClient) {
    const probe = new compute.RegionOperationsClient({
      ...base,
      scopes: SCOPES,
      ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
    });
    try {
      authClient = await probe.auth.getClient();
    } catch (e) {
      throw credentialError(e, {
        driver: GCP_DRIVER_NAME,
        operation,
        what: 'Google credentials',
        hint: GCP_CREDENTIALS_HINT,
      });
    }
  }
  const opts = {
    ...base,
    authClient: signalAwareAuthClient(authClient as object),
  } as ConstructorParameters<Compute['RegionHealthChecksClient']>[0];
  return {
    healthChecks: new compute.RegionHealthChecksClient(opts),
    backendServices: new compute.RegionBackendServicesClient(opts),
    forwardingRules: new compute.ForwardingRulesClient(opts),
    negs: new compute.NetworkEndpointGroupsClient(opts),
    instances: new compute.InstancesClient(opts),
    regionOperations: new compute.RegionOperationsClient(opts),
    zoneOperations: new compute.ZoneOperationsClient(opts),
  };
}

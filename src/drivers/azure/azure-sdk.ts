/**
 * Loads `@azure/arm-network` (and `@azure/identity` when no credential is given) on first use, unless
 * the user gave them as `options.lib`, and builds the client. Nothing here runs at import time; a
 * missing package is an NLBError naming it.
 */
import type { NetworkManagementClient } from '@azure/arm-network';
import { loadPackage, type ModuleImporter } from '../../common/load-package.js';
import { AZURE_DRIVER_NAME } from './azure-name.js';
import type { AzureIdentityLib, AzureNetworkLib, ResolvedAzureOptions } from './azure-options.js';

export const ARM_NETWORK_PACKAGE = '@azure/arm-network';
export const IDENTITY_PACKAGE = '@azure/identity';

/** The client, built from the options. */
export async function buildAzureClient(
  options: ResolvedAzureOptions,
  operation: string,
  importer?: ModuleImporter,
): Promise<NetworkManagementClient> {
  const load = <T>(name: string, why?: string) =>
    loadPackage<T>(AZURE_DRIVER_NAME, 'Azure', name, operation, importer, why);
  const network = options.lib.network ?? (await load<AzureNetworkLib>(ARM_NETWORK_PACKAGE));
  let credential = options.credential;
  if (!credential) {
    const identity =
      options.lib.identity ??
      (await load<AzureIdentityLib>(
        IDENTITY_PACKAGE,
        ' for its default credential (or pass options.credential)',
      ));
    credential = new identity.DefaultAzureCredential();
  }
  // `lib` is typed by a small shape (no SDK types in nlbkit's); inside, the client is the SDK's.
  const clientOptions = {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
    retryOptions: { maxRetries: options.maxRetries },
  };
  return new network.NetworkManagementClient(
    credential as never,
    options.subscriptionId,
    clientOptions as never,
  ) as NetworkManagementClient;
}

/** What every driver step gets. */
import type { AzureApi } from './azure-api.js';
import type { ResolvedAzureOptions } from './azure-options.js';

export interface AzureDeps {
  api: AzureApi;
  options: ResolvedAzureOptions;
}

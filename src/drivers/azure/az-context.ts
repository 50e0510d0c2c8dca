/** What every driver step gets. */
import type { AzureApi } from './az-api.js';
import type { ResolvedAzureOptions } from './az-options.js';

export interface AzureDeps {
  api: AzureApi;
  options: ResolvedAzureOptions;
}

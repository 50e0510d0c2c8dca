/**
 * nlbkit's Azure driver (`nlbkit/azure`): NLBHandler over Azure Standard Load Balancers. Needs the
 * optional peer dependency `@azure/arm-network` (and `@azure/identity` for the default credential),
 * loaded on first use. See docs/drivers/azure.md.
 */
export type { WaiterOptions } from '../../common/waiter-options.js';
export { AZURE_CAPABILITIES, AZURE_MAX_BACKENDS } from './azure-capabilities.js';
export { createAzureDriver } from './azure-driver.js';
export { AZURE_BACKEND_STATES } from './azure-health-states.js';
export {
  AZURE_DRIVER_NAME,
  type AzureDriverOptions,
  type AzureIdentityLib,
  type AzureLib,
  type AzureNetworkLib,
  type AzureTokenCredential,
} from './azure-options.js';

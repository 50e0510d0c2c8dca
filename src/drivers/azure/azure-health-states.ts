/**
 * Azure backend-address states as nlbkit health states. Apart from azure-health.ts so that the public
 * declarations (`nlbkit/azure` re-exports it) never reach the SDK's types.
 */
import type { VMHealthState } from '../../interfaces/types.js';

/** Azure backend-address state -> nlbkit state. */
export const AZURE_BACKEND_STATES: Record<string, VMHealthState> = { Up: 'HEALTHY', Down: 'UNHEALTHY' };

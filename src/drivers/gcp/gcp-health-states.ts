/**
 * Compute Engine endpoint health as nlbkit health states. Apart from gcp-health.ts so that the public
 * declarations (`nlbkit/gcp` re-exports it) never reach the SDK's types.
 */
import type { VMHealthState } from '../../interfaces/types.js';

/** Compute Engine endpoint health -> nlbkit state (DRAINING and UNKNOWN stay UNKNOWN). */
export const GCP_HEALTH_STATES: Record<string, VMHealthState> = {
  HEALTHY: 'HEALTHY',
  UNHEALTHY: 'UNHEALTHY',
  TIMEOUT: 'UNHEALTHY',
};

/**
 * nlbkit's GCP driver (`nlbkit/gcp`): NLBHandler over regional passthrough Network Load Balancers on
 * Compute Engine. Needs the optional peer dependency `@google-cloud/compute`, loaded on first use.
 * See docs/drivers/gcp.md.
 */
export type { WaiterOptions } from '../../common/waiter-options.js';
export { GCP_CAPABILITIES, GCP_MAX_NAME_LENGTH, GCP_MAX_VMS } from './gcp-capabilities.js';
export { createGcpDriver } from './gcp-driver.js';
export { GCP_HEALTH_STATES } from './gcp-health-states.js';
export { GCP_DRIVER_NAME, type GcpComputeLib, type GcpDriverOptions, type GcpLib } from './gcp-options.js';

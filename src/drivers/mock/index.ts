/** nlbkit/mock: an in-memory NLBHandler for unit tests. */
export type { MockForeignNLB } from './mock-adoption.js';
export type { MockVM } from './mock-backend.js';
export { type CapabilitiesOverride, mockDefaultCapabilities } from './mock-capabilities.js';
export { createMockDriver, type MockCall, type MockDriver, type MockDriverOptions } from './mock-driver.js';
export type { MockFault } from './mock-faults.js';

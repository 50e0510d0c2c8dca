/**
 * nlbkit: one interface, NLBHandler, for layer-4 network load balancers on every cloud and on your
 * own Linux hosts. The root exports the contract and the mock driver, by name; cloud drivers live at
 * their own subpaths (`nlbkit/aws`, `nlbkit/native`, ...) and load their SDKs only when used, and what
 * a driver's author needs is at `nlbkit/driver-kit`. test/unit/public-surface.test.ts lists these
 * names, so the root does not grow by accident.
 */

export {
  type CapabilitiesOverride,
  createMockDriver,
  type MockCall,
  type MockDriver,
  type MockDriverOptions,
  type MockFault,
  type MockVM,
  mockDefaultCapabilities,
} from './drivers/mock/index.js';
export { type AdoptableNLBHandler, type AdoptOperation, isAdoptable } from './interfaces/adoption.js';
export type {
  AddressFamilyCapabilities,
  ChangeCapabilities,
  DrainingCapabilities,
  DriverCapabilities,
  HealthCheckCapabilities,
  IntRange,
} from './interfaces/capabilities.js';
export {
  isNLBError,
  NLBError,
  type NLBErrorCode,
  type NLBErrorInit,
  type Violation,
} from './interfaces/errors.js';
export { NLB_OPERATIONS, type NLBHandler, type NLBOperation } from './interfaces/handler.js';
export type {
  AddressFamily,
  Algorithm,
  CallOptions,
  HashFields,
  HealthCheckerInfo,
  HealthCheckProtocol,
  HealthInfo,
  IID,
  KeyValue,
  ListenerInfo,
  ListenerProtocol,
  NLBCreateRequest,
  NLBInfo,
  NLBScope,
  NLBType,
  ProgressEvent,
  VMGroupInfo,
  VMGroupMember,
  VMGroupProtocol,
  VMHealthDetail,
  VMHealthState,
} from './interfaces/types.js';

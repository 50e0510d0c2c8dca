/**
 * nlbkit/driver-kit: what a driver needs to be an NLBHandler. Implement {@link DriverBackend} (the
 * provider's steps) and wrap it with {@link createGuardedHandler}, which keeps the rules every driver
 * keeps: validation with the driver's capabilities, per-NLB serialization, abort, copies, NLBError
 * only. The built-in drivers are built on exactly this module; docs/writing-a-driver.md walks through
 * a complete small driver.
 */
export { sleep, throwIfAborted } from '../common/abort.js';
export type {
  BackendContext,
  DriverBackend,
  ResolvedCreateRequest,
  ResolvedVMGroup,
} from '../common/driver-backend.js';
export { type AdoptionBackend, createAdoptableHandler } from '../common/guarded-adoption.js';
export { createGuardedHandler, type GuardedHandlerOptions } from '../common/guarded-handler.js';
export { KeyedSerializer } from '../common/keyed-serializer.js';
export { loadPackage, type ModuleImporter } from '../common/load-package.js';
export { type PollDelays, pollUntil } from '../common/poll.js';
export type { ProgressReporter } from '../common/progress.js';
export { retryingOnce } from '../common/retrying-once.js';
export { Rollback } from '../common/rollback.js';
export type {
  AddressFamilyCapabilities,
  ChangeCapabilities,
  DrainingCapabilities,
  DriverCapabilities,
  HealthCheckCapabilities,
  IntRange,
} from '../interfaces/capabilities.js';
export { checkCreate, resolveHealthChecker } from '../interfaces/capabilities.js';
export {
  isNLBError,
  NLBError,
  type NLBErrorCode,
  type NLBErrorInit,
  type Violation,
  violationsError,
} from '../interfaces/errors.js';
export { quoteInput } from '../interfaces/input-text.js';
export { parseAddress, type ValidListener, type ValidVMMember } from '../interfaces/schemas.js';
export type { ResolvedHealthCheckerInfo } from '../interfaces/types.js';

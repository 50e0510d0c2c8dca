/**
 * The adoption extension (adoptNLB / releaseNLB) over a guarded handler: the same validation, per-NLB
 * locks, abort handling and error mapping as every other call, in front of the backend's two steps.
 */
import type { AdoptableNLBHandler } from '../interfaces/adoption.js';
import { checkName } from '../interfaces/capabilities.js';
import { NLBError, violationsError } from '../interfaces/errors.js';
import { quoteInput } from '../interfaces/input-text.js';
import { nlbIIDSchema, parseInput, systemIdSchema } from '../interfaces/schemas.js';
import type { IID, NLBInfo } from '../interfaces/types.js';
import type { BackendContext } from './driver-backend.js';
import { guardedCall } from './guarded-call.js';
import { createGuardedHandler, type GuardedHandlerOptions } from './guarded-handler.js';
import { KeyedSerializer } from './keyed-serializer.js';

/**
 * The provider half of adoption. Inputs arrive validated; the NLB's name is locked.
 *
 * @example
 * const adoption: AdoptionBackend = {
 *   adopt: async (systemId, nameId) => {
 *     const message = `no load balancer ${quoteInput(systemId)} to adopt as ${quoteInput(nameId)}`;
 *     throw new NLBError({ code: 'NOT_FOUND', driver: 'toy', operation: 'adoptNLB', message });
 *   },
 *   release: async () => undefined,
 * };
 */
export interface AdoptionBackend {
  /**
   * Marks the provider's load balancer `systemId` as managed under `nameId` and returns it; undoes its
   * marks on failure. Throws NOT_FOUND, ALREADY_EXISTS or UNSUPPORTED (a shape nlbkit cannot show).
   */
  adopt(systemId: string, nameId: string, ctx: BackendContext): Promise<NLBInfo>;
  /** Removes nlbkit's marks from `current`, deleting nothing. */
  release(current: NLBInfo, ctx: BackendContext): Promise<void>;
}

/**
 * Builds an AdoptableNLBHandler: the guarded handler plus adoptNLB and releaseNLB, sharing its locks.
 *
 * @example
 * function createAdoptingDriver(backend: DriverBackend, adoption: AdoptionBackend): AdoptableNLBHandler {
 *   const capabilities = { ...mockDefaultCapabilities, driver: 'toy', adoption: true };
 *   return createAdoptableHandler({ capabilities, backend, adoption });
 * }
 */
export function createAdoptableHandler(
  options: GuardedHandlerOptions & { adoption: AdoptionBackend },
): AdoptableNLBHandler {
  const locks = options.locks ?? new KeyedSerializer();
  const handler = createGuardedHandler({ ...options, locks });
  const { backend, adoption } = options;
  const caps = handler.capabilities;
  const driver = caps.driver;
  const parseIID = (raw: IID, operation: string) =>
    parseInput(nlbIIDSchema, raw, { driver, operation, root: 'iid' });

  return {
    ...handler,

    adoptNLB: async (rawSystemId, rawIID, opts) => {
      const operation = 'adoptNLB';
      const systemId = parseInput(systemIdSchema, rawSystemId, { driver, operation, root: 'systemId' });
      const iid = parseIID(rawIID, operation);
      const names = checkName(caps, iid.nameId);
      if (names.length > 0) throw violationsError(driver, operation, names);
      return locks.run(iid.nameId, () =>
        guardedCall(driver, operation, opts, undefined, async (ctx) => {
          if (await backend.find({ nameId: iid.nameId }, ctx))
            throw new NLBError({
              code: 'ALREADY_EXISTS',
              driver,
              operation,
              message: `nlbkit already manages an NLB named ${quoteInput(iid.nameId)}`,
            });
          return adoption.adopt(systemId, iid.nameId, ctx);
        }),
      );
    },

    releaseNLB: async (rawIID, opts) => {
      const operation = 'releaseNLB';
      const iid = parseIID(rawIID, operation);
      return locks.run(iid.nameId, () =>
        guardedCall(driver, operation, opts, undefined, async (ctx) => {
          const current = await backend.find(iid, ctx);
          if (!current)
            throw new NLBError({
              code: 'NOT_FOUND',
              driver,
              operation,
              message: `no NLB named ${quoteInput(iid.nameId)}`,
            });
          await adoption.release(current, ctx);
          return true;
        }),
      );
    },
  };
}

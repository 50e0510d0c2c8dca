/**
 * How an agent announces its VIPs: `createAnnouncer(config)` picks the announcer for a mode. The
 * driver's `agent.announce` and `nlbkit agent --announce` both come through here.
 */
import { NLBError } from '../../interfaces/errors.js';
import type { Executor } from '../executor/types.js';
import type { StateStore } from '../store/types.js';
import { type BgpAnnouncerOptions, createBgpAnnouncer } from './bgp/index.js';
import { createL2Announcer, type L2AnnounceSettings, requireLeases } from './l2/index.js';
import { type Announcer, noAnnouncer } from './types.js';

export { type BgpAnnouncerOptions, createBgpAnnouncer } from './bgp/index.js';
export {
  createL2Announcer,
  type L2AnnouncerOptions,
  type L2AnnounceSettings,
  requireLeases,
} from './l2/index.js';
export * from './types.js';

/** Which announcer to build, with its mode's options. */
export type AnnounceConfig =
  | { mode: 'none' }
  | ({ mode: 'bgp' } & BgpAnnouncerOptions)
  | ({ mode: 'l2' } & L2AnnounceSettings);

/** What every announcer may share with the agent that runs it. */
export interface AnnouncerContext {
  /** Where failures are told (used when the config has no `log` of its own). Default: nowhere. */
  log?: ((line: string) => void) | undefined;
  /** l2: the agent's store, whose leases decide who owns each VIP. */
  store?: StateStore | undefined;
  /** l2: the agent's node name (the lease holder). */
  node?: string | undefined;
  /** l2: runs `ip`, `arping` and `na6` where the agent programs the kernel. */
  executor?: Executor | undefined;
}

/**
 * Builds the announcer for `config`; options are checked here, before anything runs (INVALID_ARGUMENT).
 *
 * @example
 * const announce = createAnnouncer({ mode: 'bgp', includeFile: '/etc/bird/nlbkit.conf' });
 */
export function createAnnouncer(config: AnnounceConfig, context: AnnouncerContext = {}): Announcer {
  switch (config?.mode) {
    case 'none':
      return noAnnouncer();
    case 'bgp': {
      const { mode: _, ...options } = config;
      return createBgpAnnouncer({ ...options, log: options.log ?? context.log });
    }
    case 'l2': {
      const { store, node, executor } = context;
      if (!store || node === undefined || !executor)
        throw new NLBError({
          code: 'INVALID_ARGUMENT',
          driver: 'native',
          operation: 'createAnnouncer',
          message: "announce mode 'l2' needs the agent's store, node and executor",
        });
      const { mode: _, ...settings } = config;
      return createL2Announcer({
        ...settings,
        leases: requireLeases(store),
        node,
        executor,
        log: context.log,
      });
    }
    default:
      throw new NLBError({
        code: 'INVALID_ARGUMENT',
        driver: 'native',
        operation: 'createAnnouncer',
        message: `announce mode must be 'none', 'l2' or 'bgp', not ${JSON.stringify(String((config as { mode?: unknown })?.mode)).slice(0, 40)}`,
      });
  }
}

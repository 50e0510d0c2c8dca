/**
 * How an agent announces its VIPs: `createAnnouncer(config)` picks the announcer for a mode. The
 * driver's `agent.announce` and `nlbkit agent --announce` both come through here.
 */
import { NLBError } from '../../interfaces/errors.js';
import { type BgpAnnouncerOptions, createBgpAnnouncer } from './bgp/index.js';
import { type Announcer, noAnnouncer } from './types.js';

export { type BgpAnnouncerOptions, createBgpAnnouncer } from './bgp/index.js';
export * from './types.js';

/** Which announcer to build, with its mode's options. */
export type AnnounceConfig =
  | { mode: 'none' }
  | ({ mode: 'bgp' } & BgpAnnouncerOptions)
  // The l2 announcer's options are its own module's (src/native/announce/l2/).
  | { mode: 'l2'; [option: string]: unknown };

/** What every announcer may share with the agent that runs it. */
export interface AnnouncerContext {
  /** Where failures are told (used when the config has no `log` of its own). Default: nowhere. */
  log?: (line: string) => void;
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
    case 'l2':
      throw new NLBError({
        code: 'UNSUPPORTED',
        driver: 'native',
        operation: 'createAnnouncer',
        message: "announce mode 'l2' is not in this build yet",
      });
    default:
      throw new NLBError({
        code: 'INVALID_ARGUMENT',
        driver: 'native',
        operation: 'createAnnouncer',
        message: `announce mode must be 'none', 'l2' or 'bgp', not ${JSON.stringify(String((config as { mode?: unknown })?.mode)).slice(0, 40)}`,
      });
  }
}

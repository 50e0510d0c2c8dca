/** The announcer of an embedded agent (`agent.announce`), built and checked with the driver's options. */
import { isNLBError, NLBError } from '../../interfaces/errors.js';
import {
  type AnnounceConfig,
  type Announcer,
  type AnnouncerContext,
  createAnnouncer,
} from '../../native/announce/index.js';
import { DRIVER_NAME } from './native-capabilities.js';

const isAnnouncer = (a: AnnounceConfig | Announcer): a is Announcer =>
  typeof (a as Announcer).update === 'function' && typeof (a as Announcer).stop === 'function';

/**
 * `agent.announce` as an announcer: an {@link Announcer} as given, a config through `createAnnouncer`
 * (its option errors reported as the driver's, at construction), undefined for none.
 */
export function announcerFor(
  announce: AnnounceConfig | Announcer | undefined,
  context: AnnouncerContext,
): Announcer | undefined {
  if (announce === undefined) return undefined;
  if (isAnnouncer(announce)) return announce;
  try {
    return createAnnouncer(announce, context);
  } catch (e) {
    if (!isNLBError(e)) throw e;
    throw new NLBError({
      code: e.code,
      driver: DRIVER_NAME,
      operation: 'createNativeDriver',
      message: `agent.announce: ${e.message.replace(/^\[nlbkit\] \[[^\]]+\] [^:]+: /, '')}`,
      violations: [
        {
          path: 'agent.announce',
          message: e.message,
          code: e.code === 'UNSUPPORTED' ? 'UNSUPPORTED' : 'INVALID_ARGUMENT',
        },
      ],
      cause: e,
    });
  }
}

/**
 * `nlbkit serve --check`: creates every connection and lists its NLBs, all at once, each with its own
 * deadline, so one bad or slow connection never hides the result of another.
 */
import { isNLBError, type NLBErrorCode } from '../../interfaces/errors.js';
import { isStoreMissing } from '../../native/store/store-errors.js';
import type { ConnectionRegistry } from './connection-registry.js';

/** What checking one connection found. */
export interface ConnectionCheck {
  name: string;
  driver: string;
  ok: boolean;
  /** How many NLBs the connection lists, when it could list them. */
  nlbs?: number | undefined;
  /** Something worth knowing that is not a failure (a native store that the first write will create). */
  note?: string | undefined;
  /** Why it failed: the NLBError's code and message. */
  error?: { code: NLBErrorCode; message: string } | undefined;
}

/** Checks every connection of `registry` (creation, then `listIID`); default deadline 15 s each. */
export async function checkConnections(
  registry: ConnectionRegistry,
  opts: { timeoutMs?: number | undefined } = {},
): Promise<ConnectionCheck[]> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return Promise.all(
    registry.names().map(async (name): Promise<ConnectionCheck> => {
      const driver = registry.driverOf(name);
      try {
        const handler = await registry.handler(name);
        const iids = await handler.listIID({ signal: AbortSignal.timeout(timeoutMs) });
        return { name, driver, ok: true, nlbs: iids.length };
      } catch (e) {
        // Not an error for a server: the native driver's first write creates the store.
        if (isStoreMissing(e))
          return {
            name,
            driver,
            ok: true,
            nlbs: 0,
            note: 'the store does not exist yet; the first write creates it',
          };
        const error = isNLBError(e)
          ? { code: e.code, message: e.message }
          : { code: 'PROVIDER_ERROR' as const, message: String(e) };
        return { name, driver, ok: false, error };
      }
    }),
  );
}

/** One line per connection, for the terminal. */
export function renderChecks(checks: readonly ConnectionCheck[]): string {
  return checks
    .map((c) =>
      c.ok
        ? `ok     ${c.name} (${c.driver}): ${c.nlbs} NLB(s)${c.note ? ` (${c.note})` : ''}`
        : `FAILED ${c.name} (${c.driver}): ${c.error?.code}: ${c.error?.message}`,
    )
    .join('\n');
}

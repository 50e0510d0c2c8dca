import { checkHttp } from './http.js';
import { checkTcp } from './tcp.js';
import type { Checker, CheckSpec } from './types.js';
import { checkUdp } from './udp.js';

export { checkHttp } from './http.js';
export { checkTcp } from './tcp.js';
export type { Checker, CheckSpec } from './types.js';
export { checkUdp } from './udp.js';

/**
 * Runs the check for `spec.protocol`: TCP connect, HTTP(S) GET or UDP probe.
 *
 * @example
 * const outcome = await runCheck({ address: '10.0.0.5', port: 443, protocol: 'HTTPS', timeoutMs: 3000 });
 */
export const runCheck: Checker = (spec: CheckSpec, signal?: AbortSignal) => {
  switch (spec.protocol) {
    case 'TCP':
      return checkTcp(spec, signal);
    case 'HTTP':
    case 'HTTPS':
      return checkHttp(spec, signal);
    case 'UDP':
      return checkUdp(spec, signal);
  }
};

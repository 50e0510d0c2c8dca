import net from 'node:net';
import { bounded, errorReason } from './bounded.js';
import type { CheckSpec } from './types.js';

/**
 * TCP connect check: healthy when the three-way handshake completes within the timeout. The connection
 * is then closed with a RST (SO_LINGER 0), as HAProxy closes its checks: no FIN exchange and no
 * TIME_WAIT entry per check (10,000 checks a second would otherwise keep ~600,000 TIME_WAIT sockets).
 * Backends may log the reset. No local address is bound, so the connection follows the node's
 * routing, exactly as data-plane traffic from this network namespace does.
 *
 * @example
 * await checkTcp({ address: '127.0.0.1', port: 80, protocol: 'TCP', timeoutMs: 2000 });
 */
export function checkTcp(spec: CheckSpec, signal?: AbortSignal) {
  const timeout = { ok: false, reason: `timeout: no TCP connection within ${spec.timeoutMs} ms` };
  return bounded(spec.timeoutMs, signal, timeout, (done) => {
    const socket = net.connect({
      host: spec.address,
      port: spec.port,
      ...(spec.localPort === undefined ? {} : { localPort: spec.localPort }),
    });
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      done({ ok: true });
    });
    socket.on('error', (err) => done({ ok: false, reason: errorReason(err) }));
    // resetAndDestroy needs a connected handle; a pending or failed connect is simply destroyed.
    return () => (connected ? socket.resetAndDestroy() : socket.destroy());
  });
}

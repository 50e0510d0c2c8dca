import net from 'node:net';
import { bounded, errorReason } from './bounded.js';
import type { CheckSpec } from './types.js';

/**
 * TCP connect check: healthy when the three-way handshake completes within the timeout. The socket is
 * destroyed at once (no data, no FIN wait). No local address is bound, so the connection follows the
 * node's routing, exactly as data-plane traffic from this network namespace does.
 *
 * @example
 * await checkTcp({ address: '127.0.0.1', port: 80, protocol: 'TCP', timeoutMs: 2000 });
 */
export function checkTcp(spec: CheckSpec, signal?: AbortSignal) {
  const timeout = { ok: false, reason: `timeout: no TCP connection within ${spec.timeoutMs} ms` };
  return bounded(spec.timeoutMs, signal, timeout, (done) => {
    const socket = net.connect({ host: spec.address, port: spec.port });
    socket.once('connect', () => done({ ok: true }));
    socket.on('error', (err) => done({ ok: false, reason: errorReason(err) }));
    return () => socket.destroy();
  });
}

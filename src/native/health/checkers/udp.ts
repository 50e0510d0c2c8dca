import dgram from 'node:dgram';
import net from 'node:net';
import { bounded, errorReason } from './bounded.js';
import type { CheckSpec } from './types.js';

const EMPTY = Buffer.alloc(0);

/**
 * UDP check, best effort and weaker than the others. It sends a probe on a connected UDP socket:
 * - a reply datagram -> healthy at once;
 * - an ICMP port-unreachable, which Linux reports on a connected socket as ECONNREFUSED -> unhealthy;
 * - silence until the timeout -> healthy. Silence proves only that nothing refused the probe: a dead
 *   host whose ICMP is filtered, or a blackholed path, also looks healthy. Use a TCP or HTTP check on a
 *   companion port when one exists.
 * The probe is sent again every quarter of the timeout so a lost probe or a rate-limited ICMP reply
 * still gets a chance; each check therefore holds one socket for its whole timeout.
 *
 * @example
 * await checkUdp({ address: '127.0.0.1', port: 53, protocol: 'UDP', timeoutMs: 1000 });
 */
export function checkUdp(spec: CheckSpec, signal?: AbortSignal) {
  const payload = spec.udpPayload ?? EMPTY;
  const silence = { ok: true, reason: `UDP: no reply and no ICMP unreachable within ${spec.timeoutMs} ms` };
  return bounded(spec.timeoutMs, signal, silence, (done) => {
    const socket = dgram.createSocket(net.isIPv6(spec.address) ? 'udp6' : 'udp4');
    let resend: NodeJS.Timeout | undefined;
    const fail = (err: unknown) => done({ ok: false, reason: errorReason(err) });
    const send = () =>
      socket.send(payload, (err) => {
        if (err) fail(err);
      });
    socket.on('error', fail);
    socket.once('message', () => done({ ok: true, reason: 'UDP reply' }));
    const connect = () =>
      socket.connect(spec.port, spec.address, () => {
        send();
        resend = setInterval(send, Math.max(10, Math.floor(spec.timeoutMs / 4)));
      });
    // A fixed source port (the dsr probe path) must be bound before connect picks one.
    if (spec.localPort === undefined) connect();
    else socket.bind(spec.localPort, connect);
    return () => {
      clearInterval(resend);
      try {
        socket.close();
      } catch {
        // Already closed by an error path.
      }
    };
  });
}

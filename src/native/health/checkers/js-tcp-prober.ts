/**
 * The JavaScript TCP prober: `net.connect`, then a RST close (`resetAndDestroy`, SO_LINGER 0). Its
 * deadlines share one timer (a min-heap of due times) instead of one setTimeout per check, and nothing
 * per check allocates a promise or an AbortSignal. Used when the native helper is missing.
 */
import net from 'node:net';
import { MinHeap } from '../min-heap.js';
import { errorReason } from './bounded.js';
import { type ProbeDone, type TcpProber, timeoutReason } from './tcp-prober.js';

interface Pending {
  socket: net.Socket;
  done: ProbeDone;
  timeoutMs: number;
  connected: boolean;
}

/**
 * Creates a JavaScript TCP prober.
 *
 * @example
 * const prober = createJsTcpProber();
 * prober.probe('127.0.0.1', 80, 1000, (ok, reason) => console.log(ok, reason));
 */
export function createJsTcpProber(): TcpProber {
  const pending = new Map<number, Pending>();
  const deadlines = new MinHeap<{ at: number; seq: number }>();
  let next = 1;
  let timer: NodeJS.Timeout | undefined;
  let armedAt = Number.POSITIVE_INFINITY;

  const settle = (token: number, ok: boolean, reason?: string) => {
    const p = pending.get(token);
    if (!p) return;
    pending.delete(token);
    // resetAndDestroy needs a connected handle; a pending or failed connect is simply destroyed.
    if (p.connected) p.socket.resetAndDestroy();
    else p.socket.destroy();
    p.done(ok, reason);
  };

  const expire = () => {
    timer = undefined;
    armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: number[] = [];
    for (let top = deadlines.peek(); top && top.at <= now; top = deadlines.peek()) {
      deadlines.pop();
      if (pending.has(top.seq)) due.push(top.seq);
    }
    // Expired timers can run before I/O that arrived while the process was stalled: setImmediate runs
    // after the next I/O poll, so a connect that came in time wins over its own deadline.
    if (due.length)
      setImmediate(() => {
        for (const token of due) {
          const p = pending.get(token);
          if (p) settle(token, false, timeoutReason(p.timeoutMs));
        }
      });
    arm();
  };

  const arm = () => {
    const top = deadlines.peek();
    if (!top || top.at >= armedAt) return;
    if (timer) clearTimeout(timer);
    armedAt = top.at;
    timer = setTimeout(expire, Math.max(0, top.at - performance.now()));
    timer.unref();
  };

  return {
    kind: 'js',
    probe(address, port, timeoutMs, done) {
      const token = next++;
      let socket: net.Socket;
      try {
        socket = net.connect({ host: address, port });
      } catch (err) {
        // A port net refuses outright (the monitor validates ports, so a bug): a failure, never a throw.
        queueMicrotask(() => done(false, errorReason(err)));
        return token;
      }
      const p: Pending = { socket, done, timeoutMs, connected: false };
      pending.set(token, p);
      socket.once('connect', () => {
        p.connected = true;
        settle(token, true);
      });
      socket.on('error', (err) => settle(token, false, errorReason(err)));
      deadlines.push({ at: performance.now() + timeoutMs, seq: token });
      arm();
      return token;
    },
    cancel(token) {
      settle(token, false, 'aborted');
    },
    close() {
      for (const token of [...pending.keys()]) settle(token, false, 'aborted');
      if (timer) clearTimeout(timer);
      timer = undefined;
      deadlines.clear();
    },
  };
}

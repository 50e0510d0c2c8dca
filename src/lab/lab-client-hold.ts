/**
 * Long-lived TCP connections for the lab client: one line every `intervalMs`, each echo checked, so a
 * test can prove a connection survived load-balancer changes.
 */
import net from 'node:net';

/** One long-lived connection to open. */
export interface HoldJob {
  host: string;
  port: number;
  sourceAddress?: string;
  /** Milliseconds between pings; default 50. */
  intervalMs?: number;
}

/** What a held connection has seen so far. */
export interface HoldStatus {
  backend: string;
  sent: number;
  echoed: number;
  /** Wrong or missing echoes, and socket errors. */
  errors: string[];
  /** The connection ended (by either side or an error). */
  closed: boolean;
}

/** A running long-lived connection. */
export interface HoldSession {
  status(): HoldStatus;
  close(): Promise<void>;
}

/** Opens the connection, waits for the backend's greeting, then starts pinging. */
export function openHold(job: HoldJob): Promise<HoldSession> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: job.host, port: job.port, localAddress: job.sourceAddress });
    const state: HoldStatus = { backend: '', sent: 0, echoed: 0, errors: [], closed: false };
    let buffered = '';
    let timer: NodeJS.Timeout | undefined;
    const session: HoldSession = {
      status: () => ({ ...state, errors: [...state.errors] }),
      close: () =>
        new Promise((done) => {
          clearInterval(timer);
          if (state.closed) done();
          else {
            socket.once('close', () => done());
            socket.end();
          }
        }),
    };
    socket.on('error', (error) => {
      state.errors.push(error.message);
      if (!state.backend) reject(error);
    });
    socket.on('close', () => {
      state.closed = true;
      clearInterval(timer);
    });
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (!state.backend) {
          state.backend = (JSON.parse(line) as { backend: string }).backend;
          timer = setInterval(() => {
            state.sent += 1;
            socket.write(`ping ${state.sent}\n`);
          }, job.intervalMs ?? 50);
          resolve(session);
        } else if (line === `ping ${state.echoed + 1}`) {
          state.echoed += 1;
        } else {
          state.errors.push(`unexpected echo ${JSON.stringify(line)} after ${state.echoed}`);
        }
      }
    });
  });
}

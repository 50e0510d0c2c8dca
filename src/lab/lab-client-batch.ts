/**
 * Batches of short connections for the lab client: each connection asks one backend who it is and
 * records the answer (backend name, the client address the backend saw) or the error.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

/** One batch: `count` connections to `host:port`. */
export interface BatchJob {
  proto: 'tcp' | 'udp' | 'http';
  host: string;
  port: number;
  count: number;
  /** Connections in flight at once; default 1 (strictly one after another). */
  concurrency?: number;
  /** Source address to bind (one of the client's addresses). */
  sourceAddress?: string;
  /** Source ports, used in turn (connection i uses sourcePorts[i % length]); default: any. */
  sourcePorts?: number[];
  /** Per-connection timeout; default 3000 ms. */
  timeoutMs?: number;
  /** HTTP only: the path to GET; default '/'. */
  path?: string;
  /** Pause before each connection, to spread a batch over time; default 0. */
  paceMs?: number;
}

/** What one connection got. */
export interface ConnResult {
  ok: boolean;
  backend?: string;
  /** The client address and port as the backend saw them. */
  client?: string;
  clientPort?: number;
  /** The backend port that answered. */
  port?: number;
  /** HTTP only: the response status. */
  status?: number;
  error?: string;
  ms: number;
}

interface Identity {
  backend: string;
  client?: string;
  clientPort?: number;
  port?: number;
  status?: number;
}

/** Runs the batch and returns the results in connection order. */
export async function runBatch(job: BatchJob): Promise<ConnResult[]> {
  const results: ConnResult[] = new Array(job.count);
  let next = 0;
  const worker = async () => {
    while (next < job.count) {
      const i = next++;
      if (job.paceMs) await new Promise((r) => setTimeout(r, job.paceMs));
      const started = performance.now();
      try {
        const who = await once(job, job.sourcePorts?.[i % job.sourcePorts.length]);
        results[i] = { ok: true, ...who, ms: performance.now() - started };
      } catch (error) {
        results[i] = { ok: false, error: (error as Error).message, ms: performance.now() - started };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, job.concurrency ?? 1) }, worker));
  return results;
}

function once(job: BatchJob, localPort: number | undefined): Promise<Identity> {
  const timeoutMs = job.timeoutMs ?? 3000;
  if (job.proto === 'udp') return udpOnce(job, localPort, timeoutMs);
  if (job.proto === 'http') return httpOnce(job, localPort, timeoutMs);
  return tcpOnce(job, localPort, timeoutMs);
}

function tcpOnce(job: BatchJob, localPort: number | undefined, timeoutMs: number): Promise<Identity> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: job.host,
      port: job.port,
      localAddress: job.sourceAddress,
      localPort,
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    let text = '';
    // Ask the server to hang up first: the TIME_WAIT stays on its side and the source port is free again.
    socket.on('connect', () => socket.write('close\n'));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('end', () => {
      socket.end();
      const line = text.split('\n')[0] ?? '';
      try {
        resolve(JSON.parse(line) as Identity);
      } catch {
        reject(new Error(`bad answer ${JSON.stringify(text.slice(0, 80))}`));
      }
    });
  });
}

function udpOnce(job: BatchJob, localPort: number | undefined, timeoutMs: number): Promise<Identity> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(job.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    const finish = (error: Error | undefined, who?: Identity) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(who as Identity);
    };
    socket.on('error', (error) => finish(error));
    socket.on('message', (msg) => {
      try {
        finish(undefined, JSON.parse(msg.toString('utf8')) as Identity);
      } catch {
        finish(new Error('bad answer'));
      }
    });
    socket.bind({ address: job.sourceAddress, port: localPort ?? 0 }, () => {
      socket.send('who\n', job.port, job.host);
    });
  });
}

function httpOnce(job: BatchJob, localPort: number | undefined, timeoutMs: number): Promise<Identity> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: job.host,
        port: job.port,
        path: job.path ?? '/',
        localAddress: job.sourceAddress,
        localPort,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        res.on('end', () => {
          try {
            const answer = JSON.parse(body) as Identity;
            resolve({
              backend: answer.backend,
              client: answer.client,
              clientPort: answer.clientPort,
              port: answer.port,
              status: res.statusCode,
            });
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: bad body`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

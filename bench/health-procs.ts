/**
 * The health bench's listener processes and CPU accounting. 10,000 real listeners, each its own
 * (address, port) socket, spread over several child processes so accepting 10,000 connections a second
 * is not one process's bottleneck; each child gets a raised file limit (prlimit) for its sockets.
 * CPU comes from /proc/<pid>/stat, so the monitor's figure includes its native helper process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ). */
const USER_HZ = 100;

/** user + system CPU seconds of a live process, from /proc/<pid>/stat; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}

/** Children of this process whose command name starts with `name` (e.g. the native TCP checker). */
export function childPids(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (m?.[1]?.startsWith(name) && Number(m[2]) === process.pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** One listener: a loopback address and port. */
export interface Endpoint {
  address: string;
  port: number;
}

// A listener child, plain JavaScript so it starts without tsx. TCP: accept and drop; HTTP: answer 200.
// It closes the listeners it is told to (those targets then refuse connections: down).
const CHILD = `
const net = require('node:net');
const http = require('node:http');
const servers = [];
process.on('message', (m) => {
  if (m && m.listen) {
    let pending = m.listen.length;
    for (const [address, port] of m.listen) {
      const s = m.http
        ? http.createServer((req, res) => res.writeHead(200).end('ok'))
        : net.createServer((c) => c.destroy());
      s.on('error', (e) => { console.error('listen', address, port, e.message); process.exit(2); });
      s.listen({ host: address, port, backlog: 1024 }, () => { if (--pending === 0) process.send('ready'); });
      servers.push(s);
    }
  }
  if (m && m.down) { for (const i of m.down) servers[i].close(); process.send('down'); }
});
process.on('disconnect', () => process.exit(0));
`;

/** Listener processes holding `endpoints` (listener i is endpoints[i]). */
export interface Listeners {
  /** Closes listeners by index, all processes together. */
  down(indices: readonly number[]): Promise<void>;
  /** CPU seconds the listener processes used so far. */
  cpuSeconds(): number;
  close(): void;
}

/** Starts `processes` children that listen on `endpoints` (TCP, or HTTP answering 200). */
export async function startListeners(
  endpoints: readonly Endpoint[],
  processes: number,
  http = false,
): Promise<Listeners> {
  const per = Math.ceil(endpoints.length / processes);
  const children: ChildProcess[] = [];
  for (let p = 0; p * per < endpoints.length; p++) {
    const mine = endpoints.slice(p * per, (p + 1) * per).map((e) => [e.address, e.port]);
    const nofile = String(mine.length + 256);
    // prlimit raises this child's file limit whatever the shell's `ulimit -n` (root may raise the hard one).
    const child = spawn('prlimit', [`--nofile=${nofile}:${nofile}`, '--', process.execPath, '-e', CHILD], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    child.send({ listen: mine, http }); // the list is too long for argv (E2BIG)
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`listener process exited with ${code}`)));
    });
  }
  return {
    async down(indices) {
      const byChild = new Map<number, number[]>();
      for (const i of indices)
        byChild.set(Math.floor(i / per), [...(byChild.get(Math.floor(i / per)) ?? []), i % per]);
      await Promise.all(
        [...byChild].map(
          ([c, local]) =>
            new Promise<void>((resolve) => {
              children[c]?.once('message', () => resolve());
              children[c]?.send({ down: local });
            }),
        ),
      );
    },
    cpuSeconds: () => children.reduce((sum, c) => sum + (c.pid ? processCpuSeconds(c.pid) : 0), 0),
    close() {
      for (const c of children) c.disconnect();
    },
  };
}

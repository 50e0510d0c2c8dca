/**
 * The health bench's listener processes and CPU accounting. 10,000 real listeners, each its own
 * (address, port) socket, spread over several child processes; each child gets a raised file limit
 * (prlimit) for its sockets. TCP listeners are a small C epoll loop (health-listeners.c, built here
 * with cc), so accepting 10,000 connections a second costs the machine little next to the monitor;
 * HTTP listeners are Node servers. CPU comes from /proc/<pid>/stat, so the monitor's figure includes
 * its native helper process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

// The HTTP listener child, plain JavaScript so it starts without tsx: answers 200, and closes the
// listeners it is told to (those targets then refuse connections: down).
const CHILD = `
const http = require('node:http');
const servers = [];
process.on('message', (m) => {
  if (m && m.listen) {
    let pending = m.listen.length;
    for (const [address, port] of m.listen) {
      const s = http.createServer((req, res) => res.writeHead(200).end('ok'));
      s.on('error', (e) => { console.error('listen', address, port, e.message); process.exit(2); });
      s.listen({ host: address, port, backlog: 1024 }, () => { if (--pending === 0) process.send('ready'); });
      servers.push(s);
    }
  }
  if (m && m.down) { for (const i of m.down) servers[i].close(); process.send('down'); }
});
process.on('disconnect', () => process.exit(0));
`;

let built: string | undefined;
/** Builds the C listener once per bench run, into a fresh temporary directory. */
function tcpListenerProgram(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), 'nlbkit-bench-')), 'health-listeners');
  const source = fileURLToPath(new URL('./health-listeners.c', import.meta.url));
  execFileSync('cc', ['-O2', '-o', out, source], { stdio: 'inherit' });
  built = out;
  return out;
}

/** Starts one C listener process on `mine`; resolves once every socket listens. */
async function startTcpChild(mine: readonly Endpoint[]): Promise<ChildProcess> {
  const nofile = String(mine.length + 256);
  const child = spawn('prlimit', [`--nofile=${nofile}:${nofile}`, '--', tcpListenerProgram()], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdout?.setEncoding('utf8');
  child.stdin?.write(`${mine.map((e) => `L ${e.address} ${e.port}`).join('\n')}\nR\n`);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`listener process exited with ${code}`)));
  });
  return child;
}

/** Listener processes holding `endpoints` (listener i is endpoints[i]). */
export interface Listeners {
  /** Closes listeners by index, all processes together. */
  down(indices: readonly number[]): Promise<void>;
  /** CPU seconds the listener processes used so far. */
  cpuSeconds(): number;
  /** Stops every listener process and waits until they are gone (their ports free again). */
  close(): Promise<void>;
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
    const mine = endpoints.slice(p * per, (p + 1) * per);
    if (!http) {
      children.push(await startTcpChild(mine));
      continue;
    }
    const nofile = String(mine.length + 256);
    // prlimit raises this child's file limit whatever the shell's `ulimit -n` (root may raise the hard one).
    const child = spawn('prlimit', [`--nofile=${nofile}:${nofile}`, '--', process.execPath, '-e', CHILD], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    child.send({ listen: mine.map((e) => [e.address, e.port]) }); // too long for argv (E2BIG)
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`listener process exited with ${code}`)));
    });
  }
  return {
    async down(indices) {
      const byChild = new Map<number, number[]>();
      for (const i of indices) {
        const c = Math.floor(i / per);
        byChild.set(c, [...(byChild.get(c) ?? []), i % per]);
      }
      await Promise.all(
        [...byChild].map(
          ([c, local]) =>
            new Promise<void>((resolve) => {
              const child = children[c] as ChildProcess;
              if (!http) {
                child.stdout?.once('data', () => resolve());
                child.stdin?.write(`${local.map((i) => `D ${i}`).join('\n')}\nS\n`);
                return;
              }
              child.once('message', () => resolve());
              child.send({ down: local });
            }),
        ),
      );
    },
    cpuSeconds: () => children.reduce((sum, c) => sum + (c.pid ? processCpuSeconds(c.pid) : 0), 0),
    async close() {
      const gone = children.map((c) =>
        c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)),
      );
      for (const c of children) {
        if (http) c.disconnect();
        else c.stdin?.end(); // the C listener exits when its input ends
      }
      await Promise.all(gone);
    },
  };
}

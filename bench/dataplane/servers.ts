/**
 * The servers the benchmark measures against: nginx in every backend namespace (a tiny fixed answer,
 * keep-alive allowed) and HAProxy in TCP mode on the LB node, the baseline nlbkit is compared to.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inNs, must, type RunningProc, start, waitFor } from './proc.js';

/**
 * The ports nginx listens on in each backend: one per way of reaching it. A backend keeps closed
 * connections in TIME_WAIT for 60 s, and the client stamps TCP timestamps with an offset chosen per
 * (source, destination) address pair, which differs between the direct path (destination: the backend)
 * and a VIP. Were every case to share one port, a new connection of one case would often meet a
 * TIME_WAIT left by another case with a newer timestamp, be refused by PAWS and wait for a SYN
 * retransmission; a real backend is not reached by one client through two addresses. One port per
 * (target, backend count) keeps the cases from disturbing each other.
 */
export const HTTP_PORTS = {
  direct: { 1: 8090, 3: 8091 },
  nlbkit: { 1: 8092, 3: 8093 },
  haproxy: { 1: 8094, 3: 8095 },
  /** dsr does not rewrite the packet: these are also the dsr NLBs' listener ports. */
  dsr: { 1: 8096, 3: 8097 },
} as const;

const ALL_HTTP_PORTS = Object.values(HTTP_PORTS).flatMap((p) => [p[1], p[3]]);

/** nginx's configuration: one worker, no logs, `200 ok` for every request. */
export function nginxConfig(dir: string, name: string): string {
  const p = (f: string) => join(dir, `${name}-${f}`);
  return `worker_processes 1;
daemon off;
pid ${p('nginx.pid')};
error_log ${p('nginx.err')} warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${p('body')};
  proxy_temp_path ${p('proxy')};
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
${ALL_HTTP_PORTS.map((p) => `    listen ${p} backlog=4096;\n`).join('')}    location / { return 200 "ok\\n"; }
  }
}
`;
}

/** HAProxy's configuration: TCP mode, one frontend per backend set, round robin. */
export function haproxyConfig(frontends: { bind: string; servers: string[] }[]): string {
  const parts = [
    'global\n  maxconn 8000\n',
    'defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 120s\n  timeout server 120s\n',
  ];
  for (const [i, f] of frontends.entries()) {
    const servers = f.servers.map((s, j) => `  server s${j} ${s}\n`).join('');
    parts.push(`frontend f${i}\n  bind ${f.bind}\n  default_backend b${i}\n`);
    parts.push(`backend b${i}\n  balance roundrobin\n${servers}`);
  }
  return parts.join('\n');
}

/** True when something listens on TCP `port` in namespace `ns`. */
async function listening(ns: string, port: number): Promise<boolean> {
  const out = await must(inNs(ns, ['ss', '-Hltn', `sport = :${port}`]));
  return out.trim().length > 0;
}

/** Starts a long-running server in `ns` and waits until it listens on every port in `ports`. */
export async function startServer(
  ns: string,
  argv: string[],
  ports: number[],
  what: string,
): Promise<RunningProc> {
  const proc = start(inNs(ns, argv), 24 * 3600_000);
  let exited = false;
  proc.done.then(
    () => {
      exited = true;
    },
    () => {
      exited = true;
    },
  );
  await waitFor(what, async () => {
    if (exited) {
      const r = await proc.done;
      throw new Error(`${what} exited (${r.code ?? r.signal}): ${r.stderr.trim()}`);
    }
    for (const port of ports) if (!(await listening(ns, port))) return false;
    return true;
  });
  return proc;
}

/** Writes nginx's config for backend `name` and starts it in `ns`. */
export async function startNginx(dir: string, ns: string, name: string): Promise<RunningProc> {
  const file = join(dir, `${name}-nginx.conf`);
  await writeFile(file, nginxConfig(dir, name));
  return startServer(ns, ['nginx', '-p', dir, '-c', file], ALL_HTTP_PORTS, `nginx in ${ns}`);
}

/** Writes HAProxy's config and starts it in the foreground in `ns`. */
export async function startHaproxy(
  dir: string,
  ns: string,
  frontends: { bind: string; port: number; servers: string[] }[],
): Promise<RunningProc> {
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, haproxyConfig(frontends));
  return startServer(
    ns,
    ['haproxy', '-db', '-f', file],
    frontends.map((f) => f.port),
    `haproxy in ${ns}`,
  );
}

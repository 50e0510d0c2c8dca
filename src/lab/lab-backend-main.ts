/**
 * A lab backend: runs inside a backend network namespace and serves TCP, UDP and HTTP, each answer
 * naming this backend and the client address it saw (which proves the load balancer kept it).
 *
 * Started as `node lab-backend-main.js '<json options>'`; prints `{"ready":true}` once listening, then
 * takes JSON-line commands on stdin (`health`, `down`, `up`) and answers each with `{"id":…,"ok":…}`.
 * - TCP: on connect sends one JSON line, then echoes every line; the line `close` makes it hang up
 *   (the server closes first, so the client can reuse its source port at once).
 * - UDP: answers every datagram with one JSON line.
 * - HTTP: `GET /health` answers the status set by the `health` command (default 200); any other path
 *   answers 200 with the JSON identity.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';

interface Options {
  id: string;
  tcp: number[];
  udp: number[];
  http: number[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
let healthStatus = 200;
type Closable = { close(cb?: () => void): unknown };
let listeners: Closable[] = [];

/** Strips the v4-mapped prefix so a v4 client reads as v4 on the dual-stack sockets. */
function plain(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

function identity(proto: string, port: number, address: string | undefined, clientPort: number | undefined) {
  return { backend: options.id, proto, port, client: plain(address), clientPort };
}

function tcpServer(port: number): Promise<Closable> {
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.write(`${JSON.stringify(identity('tcp', port, socket.remoteAddress, socket.remotePort))}\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'close') socket.end();
        else socket.write(`${line}\n`);
        nl = buffered.indexOf('\n');
      }
    });
  });
  return listen(server, port);
}

function httpServer(port: number): Promise<Closable> {
  const server = http.createServer((req, res) => {
    const body =
      req.url === '/health'
        ? { backend: options.id, health: healthStatus }
        : identity('http', port, req.socket.remoteAddress, req.socket.remotePort);
    res.writeHead(req.url === '/health' ? healthStatus : 200, {
      'content-type': 'application/json',
      connection: 'close',
    });
    res.end(JSON.stringify(body));
  });
  return listen(server, port);
}

function listen(server: net.Server, port: number): Promise<Closable> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // '::' without ipv6Only takes IPv4 too (as v4-mapped addresses).
    server.listen({ port, host: '::' }, () => resolve(server));
  });
}

function udpServer(port: number): Promise<Closable> {
  const socket = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  socket.on('message', (_msg, rinfo) => {
    socket.send(
      `${JSON.stringify(identity('udp', port, rinfo.address, rinfo.port))}\n`,
      rinfo.port,
      rinfo.address,
    );
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '::', () => resolve(socket));
  });
}

async function up(): Promise<void> {
  if (listeners.length > 0) return;
  listeners = await Promise.all([
    ...options.tcp.map(tcpServer),
    ...options.udp.map(udpServer),
    ...options.http.map(httpServer),
  ]);
}

async function down(): Promise<void> {
  const closing = listeners;
  listeners = [];
  // Stop accepting at once; a TCP server's close callback would wait for every open connection.
  for (const l of closing) l.close();
  await new Promise((resolve) => setImmediate(resolve));
}

function reply(message: object): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function handle(line: string): Promise<void> {
  const command = JSON.parse(line) as { id: number; cmd: string; status?: number };
  try {
    if (command.cmd === 'health') healthStatus = command.status ?? 200;
    else if (command.cmd === 'down') await down();
    else if (command.cmd === 'up') await up();
    else throw new Error(`unknown command ${command.cmd}`);
    reply({ id: command.id, ok: true });
  } catch (error) {
    reply({ id: command.id, ok: false, error: String(error) });
  }
}

await up();
reply({ ready: true });
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => void handle(line));
// The parent closing our stdin (or dying) ends the server.
input.on('close', () => process.exit(0));

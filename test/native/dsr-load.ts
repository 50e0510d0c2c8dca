/**
 * A load client for the failover test: many long-lived TCP connections to the VIP, each exchanging a
 * line every ~20 ms (the next only after the echo of the last), counting connections that break
 * (error or close) and the longest gap between two echoes per connection, and, from each backend's
 * greeting (`{"backend":…,"client":…}`), which backend a connection reached and the client address it
 * saw. Runs in the client's namespace as a LineProcess; commands: `open N`, `stats` (then starts a new
 * measuring phase). Test-only.
 */
export const LOAD_CLIENT = `
const net = require('node:net');
const readline = require('node:readline');
const [vip, port] = process.argv.slice(1);
const conns = [];
let broken = 0;
let brokenBy = {};
function open() {
  return new Promise((resolve) => {
    const s = net.connect({ host: vip, port: Number(port) });
    const c = { s, last: 0, worst: 0, dead: false, greeted: false, inflight: false, buf: '', backend: '', seen: '' };
    s.setNoDelay(true);
    const die = () => { if (!c.dead) { c.dead = true; if (c.greeted) { broken++; brokenBy[c.backend] = (brokenBy[c.backend] ?? 0) + 1; } resolve(false); } };
    s.on('error', die);
    s.on('close', die);
    s.on('data', (d) => {
      c.buf += d;
      let nl;
      while ((nl = c.buf.indexOf('\\n')) >= 0) {
        const line = c.buf.slice(0, nl);
        c.buf = c.buf.slice(nl + 1);
        const now = Date.now();
        if (!c.greeted) {
          // The greeting names the backend and the client address it saw.
          try { const g = JSON.parse(line); c.backend = String(g.backend); c.seen = String(g.client); } catch {}
          c.greeted = true; c.last = now; resolve(true); continue;
        }
        c.worst = Math.max(c.worst, now - c.last);
        c.last = now;
        c.inflight = false;
      }
    });
    // 15 s: under the VM's CPU emulation 50 connects at once can take several seconds.
    setTimeout(() => { if (!c.greeted) { s.destroy(); resolve(false); } }, 15000);
    conns.push(c);
  });
}
setInterval(() => {
  for (const c of conns) if (c.greeted && !c.dead && !c.inflight) { c.inflight = true; c.s.write('t\\n'); }
}, 20);
readline.createInterface({ input: process.stdin }).on('line', async (cmd) => {
  if (cmd.startsWith('open ')) {
    let ok = 0;
    const n = Number(cmd.slice(5));
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, open));
      ok += batch.filter(Boolean).length;
    }
    console.log(JSON.stringify({ ok }));
  } else if (cmd === 'stats') {
    const now = Date.now();
    const live = conns.filter((c) => c.greeted && !c.dead);
    // A connection still waiting for an echo has stalled since its last one.
    const worst = live.map((c) => Math.max(c.worst, c.inflight ? now - c.last : 0)).sort((a, b) => a - b);
    const p99 = worst.length ? worst[Math.min(worst.length - 1, Math.floor(worst.length * 0.99))] : 0;
    const aliveBy = {};
    for (const c of live) aliveBy[c.backend] = (aliveBy[c.backend] ?? 0) + 1;
    const clients = [...new Set(conns.filter((c) => c.greeted).map((c) => c.seen))];
    console.log(JSON.stringify({ alive: live.length, broken, p99, max: worst[worst.length - 1] ?? 0, aliveBy, brokenBy, clients }));
    broken = 0;
    brokenBy = {};
    for (const c of live) c.worst = 0;
  }
});
console.log('ready');
`;

/** What `stats` answers. */
export interface LoadStats {
  alive: number;
  broken: number;
  /** Milliseconds: the 99th percentile of each connection's longest gap between echoes. */
  p99: number;
  max: number;
  /** Live connections per backend (as its greeting named it). */
  aliveBy: Record<string, number>;
  /** Connections broken in this phase, per backend. */
  brokenBy: Record<string, number>;
  /** Every client address the backends reported seeing (over all connections ever opened). */
  clients: string[];
}

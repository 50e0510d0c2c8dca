/**
 * The health worker: runs {@link createHealthMonitor} inside an LB node's network namespace for a
 * process outside it (started by createNetnsHealthSource as `ip netns exec <ns> node <this file>`, since
 * Node cannot setns()). Its sockets are opened here, so checks take the data plane's own route.
 *
 * stdin: `init` once, then `update`s (netns-protocol.ts). stdout: `ready`, batched `changes` (with the
 * changed targets' health) and a periodic `delta`: the targets whose state or reason changed since last
 * said (or that are due a refresh), plus the metrics text. A steady state sends only that heartbeat,
 * whatever the number of targets. It exits when stdin ends, so it never outlives its parent.
 */
import readline from 'node:readline';
import { createHealthMonitor, type HealthMonitor, targetIdentity } from './monitor.js';
import {
  changeToWire,
  healthToWire,
  parseLine,
  type ToParent,
  targetFromWire,
  toWorker,
} from './netns-protocol.js';
import type { TargetHealth } from './types.js';

let monitor: HealthMonitor | undefined;
let heartbeats: NodeJS.Timeout | undefined;
let refreshMs = 60_000;
/** What the parent was last told about each target, and when. */
const told = new Map<string, { state: string; reason: string | undefined; at: number }>();
/** Each key's check identity: a key that now names another backend is told afresh. */
const identities = new Map<string, string>();
/** The last update the monitor applied: lets the parent tell stale replies from current ones. */
let applied = 0;
let exiting = false;

function send(message: ToParent): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function tell(
  key: string,
  h: TargetHealth,
  now: number,
  out: Record<string, ReturnType<typeof healthToWire>>,
) {
  out[key] = healthToWire(h);
  told.set(key, { state: h.state, reason: h.reason, at: now });
}

function healthOf(keys: Iterable<string>): Record<string, ReturnType<typeof healthToWire>> {
  const out: Record<string, ReturnType<typeof healthToWire>> = {};
  const now = Date.now();
  for (const key of keys) {
    const h = monitor?.get(key);
    if (h) tell(key, h, now, out);
  }
  return out;
}

/** The heartbeat: what changed since the parent was last told, and the metrics. */
function delta(): void {
  if (!monitor) return;
  const health: Record<string, ReturnType<typeof healthToWire>> = {};
  const now = Date.now();
  for (const [key, h] of monitor.states()) {
    if (!h.lastCheck) continue; // the parent starts every target from the same initial state
    const last = told.get(key);
    // A new state is the coalesced `changes` message's to tell, once, with its notification.
    if (last && last.state !== h.state) continue;
    if (last && last.reason === h.reason && now - last.at < refreshMs) continue;
    tell(key, h, now, health);
  }
  send({ type: 'delta', seq: applied, health, metrics: monitor.metricsText() });
}

async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (heartbeats) clearInterval(heartbeats);
  // Aborts running checks and closes their sockets; bounded so a stuck close cannot keep us alive.
  await Promise.race([monitor?.close(), new Promise((r) => setTimeout(r, 2000).unref())]);
  process.exit(code);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  const message = parseLine(toWorker, line);
  if (!message) {
    process.stderr.write(`health worker: ignored an invalid message (${line.length} bytes)\n`);
    return;
  }
  if (message.type === 'init') {
    if (monitor) return;
    monitor = createHealthMonitor({
      ...message.monitor,
      onError: (err) => process.stderr.write(`health worker: ${err}\n`),
    });
    monitor.onChange((keys, changes) => {
      send({ type: 'changes', seq: applied, changes: changes.map(changeToWire), health: healthOf(keys) });
    });
    refreshMs = message.refreshIntervalMs ?? refreshMs;
    heartbeats = setInterval(delta, message.snapshotIntervalMs);
    send({ type: 'ready', pid: process.pid });
    return;
  }
  if (!monitor) {
    process.stderr.write('health worker: update before init ignored\n');
    return;
  }
  try {
    const targets = message.targets.map(targetFromWire);
    monitor.update(targets);
    applied = message.seq;
    const keys = new Set<string>();
    for (const t of targets) {
      keys.add(t.key);
      const identity = targetIdentity(t);
      if (identities.get(t.key) !== identity) told.delete(t.key);
      identities.set(t.key, identity);
    }
    for (const key of identities.keys()) {
      if (keys.has(key)) continue;
      identities.delete(key);
      told.delete(key);
    }
  } catch (err) {
    // The parent validates the same way first, so this is a bug worth reporting, not a reason to die.
    send({ type: 'error', seq: message.seq, message: String(err).slice(0, 10_000) });
  }
});
// stdin ends when the parent closes it or dies (even by SIGKILL): that is our cue to go.
lines.on('close', () => void exit(0));
process.stdout.on('error', () => void exit(1));
// A stop signal sent to the whole group (systemd's SIGTERM to every process of the unit, Ctrl-C's
// SIGINT) reaches us together with the agent: dying on it would look like a crash to the agent, which
// would log it and start a new worker while stopping. The agent ends our stdin when it stops, so these
// signals are its to act on, not ours.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);

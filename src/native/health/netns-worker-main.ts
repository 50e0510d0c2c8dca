/**
 * The health worker: runs {@link createHealthMonitor} inside an LB node's network namespace for a
 * process outside it (started by createNetnsHealthSource as `ip netns exec <ns> node <this file>`, since
 * Node cannot setns()). Its sockets are opened here, so checks take the data plane's own route.
 *
 * stdin: `init` once, then `update`s (netns-protocol.ts). stdout: `ready`, batched `changes` (with the
 * changed targets' health) and a periodic `snapshot` of every target plus the metrics text. It exits
 * when stdin ends, so it never outlives the process that started it.
 */
import readline from 'node:readline';
import { createHealthMonitor, type HealthMonitor } from './monitor.js';
import {
  changeToWire,
  healthToWire,
  parseLine,
  type ToParent,
  targetFromWire,
  toWorker,
} from './netns-protocol.js';

let monitor: HealthMonitor | undefined;
let snapshots: NodeJS.Timeout | undefined;
/** The last update the monitor applied: lets the parent tell stale replies from current ones. */
let applied = 0;
let exiting = false;

function send(message: ToParent): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function healthOf(keys: Iterable<string>): Record<string, ReturnType<typeof healthToWire>> {
  const out: Record<string, ReturnType<typeof healthToWire>> = {};
  for (const key of keys) {
    const h = monitor?.get(key);
    if (h) out[key] = healthToWire(h);
  }
  return out;
}

function snapshot(): void {
  if (!monitor) return;
  const health: Record<string, ReturnType<typeof healthToWire>> = {};
  for (const [key, h] of monitor.states()) health[key] = healthToWire(h);
  send({ type: 'snapshot', seq: applied, health, metrics: monitor.metricsText() });
}

async function exit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (snapshots) clearInterval(snapshots);
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
    snapshots = setInterval(snapshot, message.snapshotIntervalMs);
    send({ type: 'ready', pid: process.pid });
    return;
  }
  if (!monitor) {
    process.stderr.write('health worker: update before init ignored\n');
    return;
  }
  try {
    monitor.update(message.targets.map(targetFromWire));
    applied = message.seq;
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

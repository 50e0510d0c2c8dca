/**
 * A stand-in agent for the watchdog's pipe-close test: starts the recording watchdog
 * (l2-watchdog-recording-main.ts) through the real client, holds the VIPs given as arguments with a
 * 60 s deadline, holds the first one once more (a refresh that the test's slow replace keeps in
 * flight), prints the watchdog's pid and waits to be killed.
 */
import { L2WatchdogClient } from '../../src/native/announce/l2/l2-watchdog-client.js';

const [program, ...vips] = process.argv.slice(2);
const client = new L2WatchdogClient({
  iface: 'eth0',
  lifetimeS: 1,
  program,
  log: (line) => process.stderr.write(`${line}\n`),
});
await client.start();
await Promise.all(vips.map((vip) => client.hold(vip, 60_000)));
void client.hold(vips[0] as string, 60_000).catch(() => undefined);
process.stdout.write(`${client.pid}\n`);
setInterval(() => undefined, 60_000);

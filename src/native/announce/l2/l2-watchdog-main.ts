/**
 * The layer-2 watchdog program, started by the agent's layer-2 announcer (l2-watchdog-client.ts) as
 * `node l2-watchdog-main.js '{"iface":"eth0","lifetimeS":1,"netns":"lb1"}'`. It places and removes
 * the agent's VIP addresses, removes each at its deadline unless extended, and removes them all when
 * its stdin closes (the agent died, or stopped) or on SIGTERM / SIGINT / SIGHUP, then exits. Its
 * commands run where the agent's do: through `ip netns exec <netns>` when the agent has a netns
 * executor, on the host otherwise.
 */
import { pathToFileURL } from 'node:url';
import { INTERFACE_PATTERN } from '../../agent/vip-addresses.js';
import { localExecutor } from '../../executor/local-executor.js';
import { assertNetnsName, netnsExecutor } from '../../executor/netns-executor.js';
import { parseLine } from '../../health/netns-protocol.js';
import { serveWatchdogProcess, watchdogArgs } from './l2-watchdog-serve.js';

/**
 * The program's name for runnableProgram(). The client imports it from here so that the program is
 * part of the client's import graph (and so is transpiled into the same cache when run from source).
 */
export const WATCHDOG_PROGRAM = 'l2-watchdog-main';

function main(): void {
  const log = (line: string) => process.stderr.write(`nlbkit l2 watchdog: ${line}\n`);
  const args = parseLine(watchdogArgs, process.argv[2] ?? '');
  if (!args) {
    log('usage: l2-watchdog-main \'{"iface":"eth0","lifetimeS":1,"netns":"ns"}\'');
    process.exit(2);
  }
  if (!INTERFACE_PATTERN.test(args.iface)) {
    log('the interface is not a valid interface name');
    process.exit(2);
  }
  if (args.netns !== undefined) assertNetnsName(args.netns, 'l2 watchdog');
  const executor = args.netns !== undefined ? netnsExecutor(args.netns) : localExecutor();
  serveWatchdogProcess(args, executor, log);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();

import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { isNLBError } from '../interfaces/errors.js';
import {
  type BackendHostOptions,
  checkBackend,
  checkBackendOptions,
  setupBackend,
  teardownBackend,
} from '../native/backend/backend-host.js';
import { localExecutor, netnsExecutor } from '../native/executor/index.js';

interface BackendFlags {
  vip: string;
  mode: string;
  interface?: string;
  netns?: string;
}

const ACTIONS = ['setup', 'check', 'teardown'] as const;

/**
 * Registers `nlbkit backend setup|check|teardown --vip VIP --mode dsr|tunnel [--interface eth0]`:
 * prepares a backend host for direct server return or IPIP tunnel forwarding (the VIP on lo, ARP and
 * rp_filter sysctls; for tunnel the decap device tunl0 up), lists what is missing (exit status 1 when
 * anything is), or removes the VIP. See docs/native-forwarding.md.
 *
 * @example
 * nlbkit backend setup --vip 198.51.100.10 --mode dsr --interface eth0
 * nlbkit backend check --vip 198.51.100.10 --mode tunnel
 */
export function registerBackendCommand(program: Command): void {
  program
    .command('backend')
    .description('prepare a backend host for direct server return or tunnel forwarding, check it, or undo it')
    .argument('<action>', 'setup, check or teardown', (text: string) => {
      if (!(ACTIONS as readonly string[]).includes(text))
        throw new InvalidArgumentError('must be setup, check or teardown');
      return text;
    })
    .requiredOption('--vip <address>', 'the VIP this backend serves (IPv4)')
    .requiredOption('--mode <mode>', 'the forwarding mode: dsr or tunnel')
    .option('--interface <device>', "the backend's interface on the LB nodes' segment (its rp_filter too)")
    .option('--netns <name>', 'work in this network namespace instead of the host')
    .action(async (action: (typeof ACTIONS)[number], flags: BackendFlags) => {
      let options: BackendHostOptions;
      try {
        options = checkBackendOptions({
          vip: flags.vip,
          mode: flags.mode as BackendHostOptions['mode'],
          ...(flags.interface !== undefined ? { interface: flags.interface } : {}),
        });
      } catch (e) {
        program.error(`error: ${isNLBError(e) ? e.message : String(e)}`);
      }
      const ex = flags.netns ? netnsExecutor(flags.netns) : localExecutor();
      if (action === 'setup') await setupBackend(ex, options);
      if (action === 'teardown') {
        await teardownBackend(ex, options);
        console.log(`removed ${options.vip}/32 from lo (the sysctls stay)`);
        return;
      }
      const checks = await checkBackend(ex, options);
      for (const c of checks)
        console.log(`${c.ok ? 'ok     ' : 'MISSING'} ${c.what}${c.ok ? '' : ` (now: ${c.found})`}`);
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}

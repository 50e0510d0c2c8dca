import type { Command } from 'commander';

/**
 * Registers `nlbkit demo`: by default the native load balancer at work in throwaway network namespaces
 * (root, `ip` and `nft` needed; it says what is missing); `--mock` walks through the API in memory.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('show nlbkit at work: native load balancing in throwaway namespaces (root), or --mock')
    .option('--mock', 'walk through the API on the in-memory mock driver (no privileges needed)')
    .action(async (opts: { mock?: boolean }) => {
      if (opts.mock) {
        const { runMockDemo } = await import('./mock-demo.js');
        return runMockDemo();
      }
      const { runNativeDemo } = await import('./native-demo.js');
      return runNativeDemo();
    });
}

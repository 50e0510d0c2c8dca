import type { Command } from 'commander';

/** Registers `nlbkit demo`. Until the native demo lands, it walks through the mock driver. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('walk through the NLBHandler API on the in-memory mock driver')
    .option('--mock', 'use the in-memory mock driver (no privileges needed)')
    .action(async () => {
      const { runMockDemo } = await import('./mock-demo.js');
      await runMockDemo();
    });
}

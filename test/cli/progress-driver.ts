/**
 * A test driver that reports progress: the mock driver, with `createNLB` telling `onProgress` three
 * steps (as a cloud driver will) before it creates, `stepMs` apart. Until the drivers report progress
 * themselves (issue 17's library half), this is what the CLI's display is tested with.
 */

import { createMockDriver } from '../../src/drivers/mock/index.js';
import type { NLBHandler } from '../../src/interfaces/handler.js';
import type { CreatedConnection } from '../../src/server/connections/connection-factory.js';

/** The steps reported, in order. */
export const STEPS = [
  { step: 'create-target-group', detail: 'creating the target group' },
  { step: 'create-load-balancer', detail: 'creating the load balancer' },
  { step: 'wait-active', detail: 'waiting for the load balancer to become active' },
] as const;

/** A connection whose createNLB reports {@link STEPS}. */
export function progressConnection(stepMs = 0): CreatedConnection {
  const mock = createMockDriver({ vms: { web1: { ipv4: '10.0.0.11' }, web2: { ipv4: '10.0.0.12' } } });
  const handler: NLBHandler = Object.create(mock);
  handler.createNLB = async (req, opts) => {
    const started = Date.now();
    for (const s of STEPS) {
      opts?.onProgress?.({ operation: 'createNLB', ...s, elapsedMs: Date.now() - started });
      await new Promise((r) => setTimeout(r, stepMs));
    }
    return mock.createNLB(req, opts);
  };
  return { handler, close: async () => {} };
}

/** What a conformance case is, and the helpers the cases share. */
import type { NLBHandler } from '../interfaces/handler.js';
import type { NLBInfo } from '../interfaces/types.js';
import { baseRequest, type ConformanceWorld, essence, uniqueName } from './world.js';

/** One conformance case. `run` resolves 'skipped' only when the driver's capabilities make it moot. */
export interface ConformanceCase {
  name: string;
  run(world: ConformanceWorld): Promise<unknown>;
}

/** Creates the base NLB (see `baseRequest`) over the world's first `vmCount` VMs. */
export async function createBase(world: ConformanceWorld, tag: string, vmCount = 2): Promise<NLBInfo> {
  const req = baseRequest(world.driver.capabilities, world, uniqueName(tag), world.vms.slice(0, vmCount));
  return world.driver.createNLB(req);
}

/** Every NLB's comparable essence, to prove a rejected call changed nothing. */
export const snapshot = async (driver: NLBHandler) => (await driver.listNLB()).map(essence);

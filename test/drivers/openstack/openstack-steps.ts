/** How the OpenStack fault matrices fail a step: a 503 at its call, or at its answer (`APPLIED`). */
import type { FaultStep } from '../fault-steps.js';
import type { OpenStackWorld } from './openstack-world.js';

/** The mode that applies the call first and loses its answer. */
export const APPLIED = 'after it was applied';

/** A 503 at the step's call, or (`APPLIED`) at its answer. */
export const fail503 = (w: OpenStackWorld, step: FaultStep, mode = '') =>
  w.fake.fail({
    method: step.method,
    path: step.path,
    skip: step.skip,
    status: 503,
    afterApply: mode === APPLIED,
  });

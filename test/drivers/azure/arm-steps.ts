/** Fault steps for the Azure tests: each recorded ARM call, its path below Microsoft.Network. */
import type { RecordedArmCall } from '../../fakes/azure/index.js';
import type { StepRecorder } from '../fault-matrix.js';
import { type FaultStep, faultSteps, idsAsWildcards } from '../fault-steps.js';
import type { AzureWorld } from './azure-world.js';

export interface ArmStep extends FaultStep {
  write: boolean;
}

/** Each call as a step, its path below Microsoft.Network. */
export const armSteps = (calls: RecordedArmCall[]): ArmStep[] =>
  faultSteps(
    calls.map((c) => ({
      method: c.method,
      shape: idsAsWildcards(c.path.replace(/^.*\/providers\/Microsoft\.Network\//, '')),
    })),
  ).map((s) => ({ ...s, write: s.method !== 'GET' }));

/** A 500 at the step's call. */
export const failAt = (w: AzureWorld, step: ArmStep) =>
  w.fake.fail({
    method: step.method,
    path: step.path,
    skip: step.skip,
    status: 500,
    code: 'InternalServerError',
  });

/** The calls of a world's fake, as steps. */
export const armRecorder: StepRecorder<AzureWorld, ArmStep> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) => armSteps(w.fake.calls.slice(from)),
};

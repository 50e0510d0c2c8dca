/** Fault steps for the AWS tests: each recorded Query API call, by action and occurrence. */
import type { RecordedCall } from '../../fakes/aws/index.js';
import type { StepRecorder } from '../fault-matrix.js';
import { type FaultStep, faultSteps } from '../fault-steps.js';
import type { AwsWorld } from './aws-world.js';

/** A step; its shape is the action, e.g. `CreateListener` (every Query API call is a POST). */
export interface AwsStep extends FaultStep {
  /** Anything but a read (`Describe*`). */
  write: boolean;
}

/** Each call as a step. */
export const awsSteps = (calls: readonly RecordedCall[]): AwsStep[] =>
  faultSteps(calls.map((c) => ({ method: 'POST', shape: c.action }))).map((s) => ({
    ...s,
    write: !s.shape.startsWith('Describe'),
  }));

/** The calls of a world's fake, as steps. */
export const awsRecorder: StepRecorder<AwsWorld, AwsStep> = {
  count: (w) => w.fake.calls.length,
  since: (w, from) => awsSteps(w.fake.calls.slice(from)),
};

/** The step's action names, in order, of the steps `keep` selects. */
export const actionsOf = (steps: AwsStep[], keep: (s: AwsStep) => boolean) =>
  steps.filter(keep).map((s) => s.shape);

/** Makes the step's call fail with `code`, `times` calls in a row (a 5xx is retried by the SDK). */
export const failAt = (w: AwsWorld, step: AwsStep, code: string, status?: number, times = 1) =>
  w.fake.failOn(step.shape, { code, nth: step.skip + 1, times, ...(status ? { status } : {}) });

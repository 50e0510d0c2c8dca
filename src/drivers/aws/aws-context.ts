/** What every AWS operation module receives: the typed API door and the resolved options. */
import { randomBytes } from 'node:crypto';
import type { AwsApi } from './aws-api.js';
import type { ResolvedAwsOptions } from './aws-options.js';

/** Dependencies of the operation modules. */
export interface AwsDeps {
  api: AwsApi;
  options: ResolvedAwsOptions;
}

/**
 * A fresh target group name: AWS wants them unique per account and region and at most 32 characters,
 * and a group change needs a second one while the first still exists, so they cannot be the NLB's name.
 */
export function newTargetGroupName(): string {
  return `nlbkit-${randomBytes(6).toString('hex')}`;
}

/**
 * nlbkit's AWS driver (`nlbkit/aws`): NLBHandler over AWS Network Load Balancers (ELBv2 + EC2).
 * Needs the optional peer dependencies `@aws-sdk/client-elastic-load-balancing-v2` and
 * `@aws-sdk/client-ec2`, loaded on first use. See docs/drivers/aws.md.
 */
export type { WaiterOptions } from '../../common/waiter-options.js';
export { AWS_CAPABILITIES, AWS_MAX_NAME_LENGTH, AWS_MAX_TARGETS } from './aws-capabilities.js';
export { createAwsDriver } from './aws-driver.js';
export { AWS_TARGET_STATES, mapTargetState, type TargetStateMapping } from './aws-health.js';
export {
  AWS_DRIVER_NAME,
  type AwsClientLike,
  type AwsCredentialProvider,
  type AwsCredentials,
  type AwsDriverOptions,
  type AwsEc2Lib,
  type AwsElbv2Lib,
  type AwsLib,
  type AwsWaiterOptions,
  DEFAULT_MANAGED_TAG_KEY,
} from './aws-options.js';

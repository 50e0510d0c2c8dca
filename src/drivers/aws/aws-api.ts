/**
 * A typed, narrow door to the two AWS clients: one method per service, keyed by action name. Every
 * call goes through here, so abort signals, error mapping and the list of actions the IAM policy must
 * allow live in one place.
 */
import type * as E from '@aws-sdk/client-ec2';
import type * as L from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ProgressReporter } from '../../common/progress.js';
import { checkAnswer } from '../../common/provider-answer.js';
import type { NLBError } from '../../interfaces/errors.js';
import { ELB_ANSWERS, type ElbAnswer } from './aws-answers.js';
import { mapAwsError } from './aws-errors.js';
import type { AwsClients, AwsSdk } from './aws-sdk.js';

/** The ELBv2 actions the driver uses, with their input and output types. */
export interface ElbActions {
  DescribeLoadBalancers: [L.DescribeLoadBalancersCommandInput, L.DescribeLoadBalancersCommandOutput];
  CreateLoadBalancer: [L.CreateLoadBalancerCommandInput, L.CreateLoadBalancerCommandOutput];
  DeleteLoadBalancer: [L.DeleteLoadBalancerCommandInput, L.DeleteLoadBalancerCommandOutput];
  DescribeTags: [L.DescribeTagsCommandInput, L.DescribeTagsCommandOutput];
  DescribeTargetGroups: [L.DescribeTargetGroupsCommandInput, L.DescribeTargetGroupsCommandOutput];
  CreateTargetGroup: [L.CreateTargetGroupCommandInput, L.CreateTargetGroupCommandOutput];
  ModifyTargetGroup: [L.ModifyTargetGroupCommandInput, L.ModifyTargetGroupCommandOutput];
  DeleteTargetGroup: [L.DeleteTargetGroupCommandInput, L.DeleteTargetGroupCommandOutput];
  RegisterTargets: [L.RegisterTargetsCommandInput, L.RegisterTargetsCommandOutput];
  DeregisterTargets: [L.DeregisterTargetsCommandInput, L.DeregisterTargetsCommandOutput];
  DescribeTargetHealth: [L.DescribeTargetHealthCommandInput, L.DescribeTargetHealthCommandOutput];
  DescribeListeners: [L.DescribeListenersCommandInput, L.DescribeListenersCommandOutput];
  CreateListener: [L.CreateListenerCommandInput, L.CreateListenerCommandOutput];
  ModifyListener: [L.ModifyListenerCommandInput, L.ModifyListenerCommandOutput];
  DeleteListener: [L.DeleteListenerCommandInput, L.DeleteListenerCommandOutput];
  SetIpAddressType: [L.SetIpAddressTypeCommandInput, L.SetIpAddressTypeCommandOutput];
  // Connection draining (issue 20).
  DescribeTargetGroupAttributes: [
    L.DescribeTargetGroupAttributesCommandInput,
    L.DescribeTargetGroupAttributesCommandOutput,
  ];
  ModifyTargetGroupAttributes: [
    L.ModifyTargetGroupAttributesCommandInput,
    L.ModifyTargetGroupAttributesCommandOutput,
  ];
  // Adoption (issue 20).
  AddTags: [L.AddTagsCommandInput, L.AddTagsCommandOutput];
  RemoveTags: [L.RemoveTagsCommandInput, L.RemoveTagsCommandOutput];
}

/** The EC2 actions the driver uses (read-only). */
export interface Ec2Actions {
  DescribeVpcs: [E.DescribeVpcsCommandInput, E.DescribeVpcsCommandOutput];
  DescribeSubnets: [E.DescribeSubnetsCommandInput, E.DescribeSubnetsCommandOutput];
  DescribeInstances: [E.DescribeInstancesCommandInput, E.DescribeInstancesCommandOutput];
}

/** Every AWS action the driver may call, for the IAM policy in the docs (a test keeps them in sync). */
export const ELB_ACTIONS: readonly (keyof ElbActions)[] = [
  'DescribeLoadBalancers',
  'CreateLoadBalancer',
  'DeleteLoadBalancer',
  'DescribeTags',
  'DescribeTargetGroups',
  'CreateTargetGroup',
  'ModifyTargetGroup',
  'DeleteTargetGroup',
  'RegisterTargets',
  'DeregisterTargets',
  'DescribeTargetHealth',
  'DescribeListeners',
  'CreateListener',
  'ModifyListener',
  'DeleteListener',
  'SetIpAddressType',
  'DescribeTargetGroupAttributes',
  'ModifyTargetGroupAttributes',
  'AddTags',
  'RemoveTags',
];
/** EC2 actions the driver may call. */
export const EC2_ACTIONS: readonly (keyof Ec2Actions)[] = [
  'DescribeVpcs',
  'DescribeSubnets',
  'DescribeInstances',
];

/** What a call needs to know about the NLB operation it serves. */
export interface CallContext {
  operation: string;
  /** Omitted on clean-up calls, which must run to the end even after an abort. */
  signal?: AbortSignal;
  /** Tells the caller's onProgress a step (absent on clean-up calls). */
  progress?: ProgressReporter | undefined;
}

type CommandCtor = new (input: unknown) => unknown;

/** The typed door; see the module comment. */
export class AwsApi {
  readonly #sdk: AwsSdk;
  readonly #clients: AwsClients;
  readonly #secrets: readonly string[];

  constructor(sdk: AwsSdk, clients: AwsClients, secrets: readonly string[]) {
    this.#sdk = sdk;
    this.#clients = clients;
    this.#secrets = secrets;
  }

  /**
   * Calls an ELBv2 action; throws a mapped NLBError. The identifiers the driver reads from the answer
   * are checked here (aws-answers.ts): an answer without them is UNAVAILABLE naming the field.
   */
  async elb<K extends keyof ElbActions>(
    action: K,
    input: ElbActions[K][0],
    ctx: CallContext,
  ): Promise<ElbAnswer<K>> {
    const ctor = (this.#sdk.elbv2 as unknown as Record<string, CommandCtor>)[`${action}Command`];
    const answer = await this.#send<ElbAnswer<K>>(this.#clients.elbv2, ctor, action, input, ctx);
    const schema = (
      ELB_ANSWERS as Partial<Record<keyof ElbActions, (typeof ELB_ANSWERS)[keyof typeof ELB_ANSWERS]>>
    )[action];
    if (!schema) return answer;
    return checkAnswer(schema, answer as object, {
      driver: 'aws',
      operation: ctx.operation,
      cloud: 'AWS',
      call: action,
    }) as ElbAnswer<K>;
  }

  /** Calls an EC2 action; throws a mapped NLBError. */
  ec2<K extends keyof Ec2Actions>(
    action: K,
    input: Ec2Actions[K][0],
    ctx: CallContext,
  ): Promise<Ec2Actions[K][1]> {
    const ctor = (this.#sdk.ec2 as unknown as Record<string, CommandCtor>)[`${action}Command`];
    return this.#send(this.#clients.ec2, ctor, action, input, ctx);
  }

  async #send<O>(
    client: AwsClients['elbv2'],
    ctor: CommandCtor | undefined,
    action: string,
    input: unknown,
    ctx: CallContext,
  ): Promise<O> {
    try {
      if (!ctor) throw new Error(`the installed AWS SDK has no ${action}Command`);
      const options = ctx.signal ? { abortSignal: ctx.signal } : undefined;
      return (await client.send(new ctor(input), options)) as O;
    } catch (e) {
      throw mapAwsError(e, { ...ctx, action, secrets: this.#secrets }) satisfies NLBError;
    }
  }
}

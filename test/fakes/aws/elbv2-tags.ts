/** ELBv2 tagging: AddTags, RemoveTags, DescribeTags over load balancers, target groups and listeners. */

import { readTags } from './elbv2-validate.js';
import { AwsFault, missingParam, validationError } from './errors.js';
import type { Handler } from './protocols.js';
import type { FakeState } from './state.js';
import { xmlList } from './xml.js';

const MAX_TAGS = 50;

/** Throws the not-found error matching the ARN's resource type when it does not exist. */
function checkResource(state: FakeState, arn: string): void {
  if (state.loadBalancers.has(arn) || state.targetGroups.has(arn) || state.listeners.has(arn)) return;
  if (arn.includes(':targetgroup/')) {
    throw new AwsFault('TargetGroupNotFound', `Target groups '${arn}' not found`);
  }
  if (arn.includes(':listener/')) throw new AwsFault('ListenerNotFound', `Listener '${arn}' not found`);
  if (arn.includes(':loadbalancer/')) {
    throw new AwsFault('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
  }
  throw validationError(`'${arn}' is not a valid resource ARN`);
}

function resourceArns(params: { list(p: string): string[] }, max: number): string[] {
  const arns = params.list('ResourceArns.member');
  if (arns.length === 0) throw missingParam('resourceArns');
  if (arns.length > max) {
    throw validationError(
      `1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return arns;
}

const addTags: Handler = ({ state, params }) => {
  const arns = resourceArns(params, 20);
  const tags = readTags(params);
  if (tags.length === 0) throw missingParam('tags');
  for (const arn of arns) checkResource(state, arn);
  for (const arn of arns) {
    const merged = new Map(state.tagsOf(arn));
    for (const [k, v] of tags) merged.set(k, v);
    if (merged.size > MAX_TAGS)
      throw new AwsFault('TooManyTags', `The '${arn}' resource cannot have more than ${MAX_TAGS} tags`);
  }
  for (const arn of arns) {
    const m = state.tagsOf(arn);
    for (const [k, v] of tags) m.set(k, v);
  }
  return [];
};

const removeTags: Handler = ({ state, params }) => {
  const arns = resourceArns(params, 20);
  const keys = params.list('TagKeys.member');
  if (keys.length === 0) throw missingParam('tagKeys');
  for (const arn of arns) checkResource(state, arn);
  for (const arn of arns) for (const k of keys) state.tagsOf(arn).delete(k);
  return [];
};

const describeTags: Handler = ({ state, params }) => {
  const arns = resourceArns(params, 20);
  for (const arn of arns) checkResource(state, arn);
  return [
    [
      'TagDescriptions',
      xmlList('member', arns, (arn) => [
        ['ResourceArn', arn],
        [
          'Tags',
          xmlList('member', [...state.tagsOf(arn)], ([k, v]) => [
            ['Key', k],
            ['Value', v],
          ]),
        ],
      ]),
    ],
  ];
};

/** Handlers keyed by action name. */
export const tagHandlers: Record<string, Handler> = {
  AddTags: addTags,
  RemoveTags: removeTags,
  DescribeTags: describeTags,
};

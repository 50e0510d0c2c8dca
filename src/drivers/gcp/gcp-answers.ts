/**
 * What the driver reads of Compute Engine's answers, as zod schemas (gcp-api.ts parses with them where
 * the answers enter). Resources keep their SDK type, with the fields the driver relies on checked
 * present; fields nobody reads pass through unchecked.
 */
import { z } from 'zod';
import type { AnswerSource } from '../../common/provider-answer.js';
import type { ForwardingRule, Instance, Neg } from './gcp-api.js';
import { GCP_DRIVER_NAME } from './gcp-name.js';

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** An SDK resource (its type `T`, checked to be an object) with its name checked present. */
const named = <T extends object>() =>
  z.intersection(z.custom<T>(isObject), z.looseObject({ name: z.string() }));

/** A long-running operation, as `wait` answers it. */
export const Operation = z.looseObject({
  name: z.string(),
  status: z.string().nullish(),
  httpErrorStatusCode: z.number().nullish(),
  error: z
    .looseObject({
      errors: z.array(z.looseObject({ code: z.string().nullish(), message: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

export const NamedForwardingRule = named<ForwardingRule>();
/** One zone's entry of `networkEndpointGroups.aggregatedList`. */
export const ZoneNegs = z.looseObject({ networkEndpointGroups: z.array(named<Neg>()).nullish() });
/** One zone's entry of `instances.aggregatedList`. */
export const ZoneInstances = z.looseObject({ instances: z.array(named<Instance>()).nullish() });

/** The source of an answer to `call`, for the error of one that does not match. */
export const answerFrom = (call: string, operation: string): AnswerSource => ({
  driver: GCP_DRIVER_NAME,
  operation,
  cloud: 'Compute Engine',
  call,
});

/**
 * Reading what a cloud provider answered: each driver declares, next to the call, a zod schema of the
 * fields it reads (loose: fields it does not read pass through, so a provider adding fields breaks
 * nothing), and parses the answer once where it enters. An answer that does not match is a typed
 * UNAVAILABLE error naming the first field that was wrong, never a TypeError deeper down; the error
 * carries neither the answer nor any value from it (only the field's path and the type zod expected).
 */
import type { z } from 'zod';
import { NLBError } from '../interfaces/errors.js';

/** Where an answer came from, for the error of one that does not match. */
export interface AnswerSource {
  /** The driver's name, e.g. `azure`. */
  driver: string;
  /** The NLB operation the call serves, e.g. `createNLB`. */
  operation: string;
  /** The cloud as the message names it, e.g. `Azure`. */
  cloud: string;
  /** The provider's operation, e.g. `DescribeLoadBalancers` or `GET network /v2.0/ports`. */
  call: string;
}

/**
 * The error for an answer that does not match what the driver reads: UNAVAILABLE (the provider, or
 * something in between, answered what it should not), not retryable (asking again gets the same).
 *
 * @example
 * unexpectedAnswer({ driver: 'gcp', operation: 'getNLB', cloud: 'Compute Engine', call: 'forwardingRules.get' }, 'IPAddress');
 * // [nlbkit] [gcp] getNLB: unexpected answer from Compute Engine forwardingRules.get: IPAddress
 */
export function unexpectedAnswer(from: AnswerSource, where: string): NLBError {
  return new NLBError({
    code: 'UNAVAILABLE',
    driver: from.driver,
    operation: from.operation,
    retryable: false,
    message: `unexpected answer from ${from.cloud} ${from.call}: ${where}`,
  });
}

/**
 * `answer` parsed with `schema`, or an {@link unexpectedAnswer} naming the first wrong field's path
 * (`(body)` for the whole answer) and what was expected there.
 *
 * @example
 * const Lb = z.looseObject({ id: z.string() });
 * const lb = parseAnswer(Lb, await res.json(), { driver: 'openstack', operation: 'getNLB', cloud: 'OpenStack', call: 'GET load-balancer /v2/lbaas/loadbalancers/x' });
 */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  answer: unknown,
  from: AnswerSource,
): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') || '(body)';
  // zod's messages name the expected type (and the received one's kind), never the received value.
  throw unexpectedAnswer(from, `${path} (${issue?.message ?? 'invalid'})`);
}

/**
 * `answer`, as its SDK typed it, with the fields `schema` names checked (an SDK's models make every
 * field optional: this makes those the driver needs present, and typed so), or an
 * {@link unexpectedAnswer}.
 *
 * @example
 * const lb = checkAnswer(z.looseObject({ id: z.string(), name: z.string() }), await client.loadBalancers.get(rg, name), from);
 * lb.name; // string, not string | undefined
 */
export function checkAnswer<T extends object, S extends z.ZodType<object>>(
  schema: S,
  answer: T,
  from: AnswerSource,
): T & z.output<S> {
  return Object.assign({}, answer, parseAnswer(schema, answer, from));
}

/**
 * A field of a thrown error or an error body that is absent, or not of its type, read as undefined:
 * error mapping must never fail on an odd error.
 *
 * @example
 * z.looseObject({ code: lenient(z.string()) }).parse({ code: 42 }); // { code: undefined }
 */
export const lenient = <S extends z.ZodType>(schema: S) => schema.optional().catch(undefined);

import { describe, expect, it } from 'vitest';
import { isNLBError } from '../../interfaces/errors.js';
import { awsErrorCode, mapAwsError, redact } from './aws-errors.js';

/** An error shaped like the SDK's ServiceException. */
function awsError(name: string, message = 'boom', status = 400) {
  const e = new Error(message) as Error & { $metadata: { httpStatusCode: number } };
  e.name = name;
  e.$metadata = { httpStatusCode: status };
  return e;
}
const ctx = { operation: 'createNLB', action: 'CreateLoadBalancer' };

describe('mapAwsError', () => {
  it.each([
    ['LoadBalancerNotFoundException', 'NOT_FOUND', false],
    ['TargetGroupNotFoundException', 'NOT_FOUND', false],
    ['InvalidInstanceID.NotFound', 'NOT_FOUND', false],
    ['DuplicateLoadBalancerNameException', 'ALREADY_EXISTS', false],
    ['DuplicateTargetGroupNameException', 'ALREADY_EXISTS', false],
    ['Throttling', 'THROTTLED', true],
    ['ThrottlingException', 'THROTTLED', true],
    ['RequestLimitExceeded', 'THROTTLED', true],
    ['ValidationError', 'INVALID_ARGUMENT', false],
    ['InvalidConfigurationRequestException', 'INVALID_ARGUMENT', false],
    ['ResourceInUseException', 'CONFLICT', false],
    ['AccessDenied', 'PERMISSION_DENIED', false],
    ['UnauthorizedOperation', 'PERMISSION_DENIED', false],
    ['ServiceUnavailable', 'UNAVAILABLE', true],
  ])('%s -> %s (retryable %s), with what of the AWS error helps as cause', (name, code, retryable) => {
    const original = Object.assign(awsError(name), { $response: { headers: { secret: 'x' } } });
    original.$metadata = Object.assign(original.$metadata, { requestId: 'req-1' });
    const e = mapAwsError(original, ctx);
    expect(isNLBError(e)).toBe(true);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
    expect(e.cause).not.toBe(original);
    expect(e.cause).toMatchObject({ name, message: 'boom', status: 400, requestId: 'req-1' });
    expect(e.cause).not.toHaveProperty('$response');
    expect(e.operation).toBe('createNLB');
    expect(e.message).toContain('CreateLoadBalancer');
  });

  it('points access-denied errors at the IAM policy', () => {
    expect(mapAwsError(awsError('AccessDenied'), ctx).message).toMatch(/IAM policy/);
  });

  it('maps unknown codes by HTTP status: 429 throttled, 5xx unavailable, else provider error', () => {
    expect(mapAwsError(awsError('Weird', 'x', 429), ctx).code).toBe('THROTTLED');
    expect(mapAwsError(awsError('Weird', 'x', 503), ctx).code).toBe('UNAVAILABLE');
    const other = mapAwsError(awsError('Weird', 'x', 400), ctx);
    expect(other.code).toBe('PROVIDER_ERROR');
    expect(other.retryable).toBe(false);
  });

  it('maps connection failures to UNAVAILABLE', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(mapAwsError(e, ctx).code).toBe('UNAVAILABLE');
  });

  it('reports ABORTED when the caller aborted, whatever the SDK threw', () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    expect(mapAwsError(awsError('AbortError'), { ...ctx, signal: ac.signal }).code).toBe('ABORTED');
  });

  it('scrubs access keys, signatures and known secrets from the message and the cause', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const original = awsError(
      'SignatureDoesNotMatch',
      `Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/elasticloadbalancing/aws4_request, Signature=abc123 key ${secret}`,
    );
    const e = mapAwsError(original, { ...ctx, secrets: [secret] });
    for (const text of [e.message, (e.cause as Error).message]) {
      expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('abc123');
    }
  });
});

describe('helpers', () => {
  it('awsErrorCode strips the SDK Exception suffix and prefers Code', () => {
    expect(awsErrorCode(awsError('LoadBalancerNotFoundException'))).toBe('LoadBalancerNotFound');
    expect(awsErrorCode({ Code: 'Throttling', name: 'X' })).toBe('Throttling');
    expect(awsErrorCode('nope')).toBeUndefined();
  });
  it('redact leaves ordinary text alone', () => {
    expect(redact('Load balancer web not found')).toBe('Load balancer web not found');
  });
});
